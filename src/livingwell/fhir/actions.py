"""State changes of the FHIR API: clients created and revoked, referrals received.

Keyword-only, `by=` the acting user (None for the command line, as directory imports do), one
transaction each, the audit event inside it.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from livingwell.access import audit
from livingwell.accounts.models import User
from livingwell.fhir.models import FhirClient
from livingwell.fhir.scopes import check


@transaction.atomic
def create_client(*, by, organisation, name: str, scopes: list[str]) -> tuple[FhirClient, str]:
    """A client for `organisation` with `scopes` granted; returns it and its secret, which is
    stored only as a hash and so can never be shown again."""
    from livingwell.fhir.resources import SERVED_TYPES

    check(scopes, SERVED_TYPES)
    now = timezone.now()
    service_user = User(
        username=f"fhir-client-{uuid.uuid4().hex[:16]}",
        display_name=f"{name} (API client of {organisation.name})"[:150],
        is_active=True,
    )
    service_user.set_unusable_password()
    service_user.save(force_insert=True)
    secret = generate_client_secret()
    application = Application(
        name=name,
        user=service_user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed when saved (hash_client_secret)
        hash_client_secret=True,
    )
    application.save(force_insert=True)
    client = FhirClient.objects.create(
        application=application,
        organisation=organisation,
        name=name,
        scopes=" ".join(scopes),
        service_user=service_user,
        created_at=now,
    )
    audit.record(
        by=by,
        action="fhir_client.create",
        category="api_client",
        obj=client,
        detail={"organisation": organisation.name, "scopes": scopes},
    )
    return client, secret


@transaction.atomic
def revoke_client(*, by, client: FhirClient) -> FhirClient:
    """Revoke at once: the Application goes, and with it the secret and every token."""
    client = FhirClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    application = client.application
    client.application = None
    client.revoked_at = timezone.now()
    client.save(update_fields=["application", "revoked_at"])
    if application is not None:
        application.delete()
    client.service_user.is_active = False
    client.service_user.save(update_fields=["is_active"])
    audit.record(by=by, action="fhir_client.revoke", category="api_client", obj=client)
    return client
