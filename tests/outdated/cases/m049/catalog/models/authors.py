from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped


class Author(Timestamped):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    born_on = models.DateField(null=True, blank=True)
    mentor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pupils",
    )

    class Meta(Timestamped.Meta):
        ordering = ["name"]
        verbose_name = _("author")

    def __str__(self):
        return self.name


class Pseudonym(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="pseudonyms")
    alias = models.CharField(max_length=120)
    language = models.CharField(max_length=8, default="en")

    class Meta:
        unique_together = [("alias", "language"), ("author", "alias")]

    def __str__(self):
        return self.alias
