"""State changes about the site's own running, each with its audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.operations.models import AuditVerification


@transaction.atomic
def record_audit_verification(*, by, result: audit.VerifyResult, at=None) -> AuditVerification:
    """Keep the outcome of a walk of the audit chain (``audit.verify_chain``) for /health/."""
    verification = AuditVerification.objects.create(
        at=at or timezone.now(), intact=result.ok, events_checked=result.checked
    )
    audit.record(
        by=by,
        action="audit.verify",
        category="audit",
        purpose="system",
        obj=verification,
        detail={"intact": result.ok, "checked": result.checked},
    )
    return verification
