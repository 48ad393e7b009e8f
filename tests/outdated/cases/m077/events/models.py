from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Owned, Timestamped

EVENT_KINDS = (
    ("reading", "Reading"),
    ("workshop", "Workshop"),
    ("club", "Book club"),
)


class Venue(models.Model):
    name = models.CharField(max_length=80, unique=True)
    address = models.TextField()
    website = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(default=20)
    rating = models.FloatField(default=1.0)

    def __str__(self):
        return self.name


class Bookable(models.Model):
    capacity = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Event(Owned, Timestamped):
    venue = models.ForeignKey(Venue, on_delete=models.SET_NULL, null=True, related_name="events")
    title = models.CharField(max_length=120)
    slug = models.SlugField()
    kind = models.CharField(max_length=10, choices=EVENT_KINDS, default="reading")
    starts_at = models.DateTimeField(db_index=True)
    public = models.BooleanField(default=True)
    attendees = models.ManyToManyField("members.Member", blank=True, related_name="events")
    featured_works = models.ManyToManyField("catalog.Work", blank=True)

    class Meta(Timestamped.Meta):
        ordering = ["starts_at"]
        verbose_name = _("event")

    def __str__(self):
        return self.title
