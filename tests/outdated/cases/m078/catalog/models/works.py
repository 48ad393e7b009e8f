import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import CodeField

from .authors import Author

ROLE_CHOICES = (
    ("author", _("Author")),
    ("editor", _("Editor")),
    ("translator", _("Translator")),
)


class Genre(models.IntegerChoices):
    NOVEL = 1, _("Novel")
    POETRY = 2, _("Poetry")
    ESSAY = 3


class Work(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    genre = models.PositiveSmallIntegerField(choices=Genre.choices, default=Genre.NOVEL)
    isbn = CodeField(prefix="978", blank=True)
    first_published = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Year"))
    authors = models.ManyToManyField(Author, through="Contribution", related_name="works")
    tags = models.ManyToManyField("common.Tag", blank=True)

    def __str__(self):
        return self.title


class Contribution(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE)
    author = models.ForeignKey("catalog.Author", on_delete=models.CASCADE)
    role = models.CharField(max_length=12, choices=ROLE_CHOICES, default="author")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ("work", "position")


class Edition(models.Model):
    class Format(models.TextChoices):
        HARDCOVER = "hc", _("Hardcover")
        PAPERBACK = "pb", _("Paperback")
        EBOOK = "eb"

    work = models.ForeignKey("catalog.Work", on_delete=models.PROTECT, related_name="editions")
    format = models.CharField(max_length=2, choices=Format.choices, default=Format.PAPERBACK)
    price = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0.00"))
    cover = models.FileField(upload_to="covers/%Y/", blank=True)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_related_name = "editions"
        indexes = [
            models.Index(fields=["format", "price"], name="edition_fmt_price_idx"),
            models.Index(fields=["-published_at"], name="edition_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(check=models.Q(price__gte=0), name="edition_price_nonneg"),
        ]

    def __str__(self):
        return "%s (%s)" % (self.work, self.get_format_display())


class Ebook(Edition):
    class Meta:
        proxy = True


class AudioEdition(Edition):
    narrator = models.CharField(max_length=120)
    minutes = models.PositiveIntegerField()
