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


@transaction.atomic
def receive_referral(*, by, client: FhirClient, bundle) -> tuple:
    """A referral in (fhir.referrals) as a professional introduction, through intake's action:
    (introduction, created). The same referral again returns the first introduction. BadReferral
    names every problem; nothing is stored then."""
    from django.core.exceptions import ValidationError

    from livingwell.accounts.models import Organisation
    from livingwell.fhir.referrals import BadReferral, parse
    from livingwell.intake.actions import submit_introduction
    from livingwell.intake.models import Route

    referral = parse(bundle)
    organisation = client.organisation
    route = Route.GP if organisation.kind == Organisation.Kind.PRIMARY_CARE else Route.PROFESSIONAL
    try:
        intro, created = submit_introduction(
            by=by,
            submission_key=referral.submission_key(organisation.pk),
            route=route,
            person=referral.person,
            details=referral.details | {"introducer_organisation": organisation.name[:150]},
        )
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise BadReferral(
            [
                ("value", f"{name or 'referral'}: {' '.join(str(m) for m in messages)}", "Bundle")
                for name, messages in problems.items()
            ]
        ) from exc
    if created:
        audit.record(
            by=by,
            action="fhir.referral_in",
            person=intro.person,
            category="introduction",
            obj=intro,
            detail={"client": str(client.pk), "urgent": intro.urgent},
        )
    return intro, created
