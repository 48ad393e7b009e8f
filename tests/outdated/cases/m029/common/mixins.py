"""Abstract bases the other apps build their models on."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        get_latest_by = "created_at"


class Owned(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_owned",
        verbose_name=_("owner"),
    )

    class Meta:
        abstract = True

    def is_owned_by(self, user):
        return self.owner_id == user.pk
