"""Signing a person or a proxy in to the portal for tests, and the record they see."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.utils import timezone
from tests import factories
from tests.integration.access.access_helpers import build_shared_record

from livingwell.access import actions as access_actions
from livingwell.access.person import LAST_ACTIVITY, SESSION_KEY, Kind, PortalViewer

PORTAL_PAGES = [
    "portal:home",
    "portal:plan",
    "portal:about_me",
    "portal:support",
    "portal:measures",
    "portal:access_log",
    "portal:sharing",
    "portal:proxies",
    "portal:download",
    "portal:download_json",
    "portal:download_pdf",
    "portal:feedback",
]


def sign_in(client, viewer: PortalViewer, *, idle_seconds: int = 0):
    """Put a portal viewer in the client's session (the sign-in flow has its own tests)."""
    session = client.session
    session[SESSION_KEY] = viewer.as_session()
    session[LAST_ACTIVITY] = int(time.time()) - idle_seconds
    session.save()
    return client


def self_viewer(person) -> PortalViewer:
    return PortalViewer(person_id=str(person.pk), kind=Kind.SELF)


def proxy_viewer(grant) -> PortalViewer:
    return PortalViewer(
        person_id=str(grant.person_id), kind=Kind.PROXY, grant_id=str(grant.pk), name=grant.name
    )


def shared_record(personas, *, phone="07700 900501", email="robin@example.org"):
    """The access tests' shared record (one entry per organisation, one restricted), with its
    person's own phone and email so that a code finds them alone."""
    record = build_shared_record(personas)
    person = record.person
    person.phone, person.email = phone, email
    person.save(update_fields=["phone", "email"])
    return record


def grant(person, *, parts, name="Sam Carer", days=30, phone="07700 900777"):
    return access_actions.grant_proxy(
        by=self_viewer(person),
        person=person,
        name=name,
        phone=phone,
        date_of_birth=date(1970, 5, 5),
        parts=parts,
        ends_on=timezone.localdate() + timedelta(days=days),
    )


def other_person_record():
    intro = factories.introduction(
        person=factories.person_details(
            given_name="Morwenna", family_name="Other", phone="07700 900999"
        )
    )
    return intro
