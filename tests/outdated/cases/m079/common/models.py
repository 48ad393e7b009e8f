from django.db import models
from django.utils.translation import gettext_lazy as _

# Re-exported so that apps import their bases from `common.models`.
from .mixins import Owned, Timestamped  # noqa: F401


class SearchHit(models.Model):
    term = models.CharField(max_length=80)

    class Meta:
        managed = False
        db_table = "search_hits"


class Tag(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=40)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.label
