from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Edition
from common.models import Owned, Timestamped

STATUS_CHOICES = [
    ["open", "Open"],
    ["returned", "Returned"],
    ["lost", "Lost"],
]


class Loan(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="loans")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="open", db_index=True)
    borrowed_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    returned_at = models.DateTimeField(null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "lending_loan_record"
        ordering = ("-borrowed_at",)
        constraints = [
            models.CheckConstraint(check=Q(renewals__lte=3), name="loan_renewals_max_3"),
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(returned_at__isnull=True),
                name="one_open_loan_per_edition",
            ),
        ]


class Fine(models.Model):
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, primary_key=True, related_name="fine")
    amount = models.DecimalField(max_digits=6, decimal_places=2)
    paid = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        default_permissions = ("view", "change")


class Reservation(Owned, Timestamped):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reservations")
    position = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(Timestamped.Meta):
        verbose_name_plural = _("reservations in queue")
        indexes = [models.Index(fields=["edition", "position"], name="reservation_queue_idx")]
