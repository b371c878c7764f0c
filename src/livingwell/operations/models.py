"""What the site records about its own running (not about people)."""

from django.db import models


class AuditVerification(models.Model):
    """One scheduled walk of the audit trail's hash chain (``operations.tasks.verify_audit``):
    /health/ reports the latest, so a broken chain or a verification that stopped running shows."""

    at = models.DateTimeField(db_index=True)
    intact = models.BooleanField()
    events_checked = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-at"]
