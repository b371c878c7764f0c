"""API clients of partner systems: each belongs to one organisation and acts for it.

The OAuth 2.0 side (client id, hashed secret, tokens) is django-oauth-toolkit's own Application
and AccessToken; a FhirClient adds the organisation, the SMART system scopes granted and the
service account named as the actor in the audit trail and in the actions it takes (a referral
in). Revoking a client deletes its Application, and with it every token; the FhirClient row stays
so that the audit trail keeps its name.
"""

import uuid

from django.db import models
from django.db.models import Q


class FhirClient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.OneToOneField(
        "oauth2_provider.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fhir_client",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    scopes = models.CharField(max_length=2000)  # space-separated SMART system scopes granted
    service_user = models.OneToOneField(
        "accounts.User", on_delete=models.PROTECT, related_name="fhir_client"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # A revoked client has no Application (so no secret and no token) left.
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(application__isnull=True),
                name="fhirclient_revoked_has_no_application",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def granted(self) -> list[str]:
        return self.scopes.split()
