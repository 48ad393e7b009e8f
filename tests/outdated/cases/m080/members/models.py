from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import CodeField
from common.models import Timestamped


class Tier(models.TextChoices):
    BASIC = "basic"
    PLUS = "plus", _("Plus")
    PATRON = "patron", _("Patron of the library")


class MemberManager(models.Manager):
    # Serialized into migrations so that data migrations can call its methods.
    use_in_migrations = True

    def by_card(self, card):
        return self.get(card=card.upper())


class CurrentMemberManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(left_on__isnull=True)


class Member(Timestamped):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    card = CodeField(prefix="MB", unique=True)
    tier = models.CharField(max_length=8, choices=Tier.choices, default=Tier.BASIC)
    email = models.EmailField(_("contact e-mail"))
    preferences = models.JSONField(default=dict, blank=True)
    member_since = models.DateTimeField(default=timezone.now)
    left_on = models.DateField(null=True, blank=True)

    objects = MemberManager()
    current = CurrentMemberManager()

    class Meta(Timestamped.Meta):
        verbose_name = _("member")
        permissions = [("export_member", "Can export member data")]

    def __str__(self):
        return self.card


class Patron(Member):
    """Members seen from the fundraising desk."""

    class Meta:
        proxy = True
        ordering = ["-member_since"]
        verbose_name = _("patron")


class LegacyCard(models.Model):
    """Rows of the old card system's table, read but never migrated by us."""

    number = models.CharField(max_length=16, primary_key=True)
    holder = models.CharField(max_length=80)
    issued_on = models.DateField()

    class Meta:
        managed = False
        db_table = "legacy_library_cards"
