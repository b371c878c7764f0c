"""Test data: named personas and builders that go through the real actions."""

from __future__ import annotations

import functools
import itertools
import uuid
from datetime import date

from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from livingwell.accounts.models import Membership, Organisation, Role, Team, User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def organisation(name: str, kind: str = Organisation.Kind.VCS) -> Organisation:
    return Organisation.objects.create(name=name, short_name=name[:20], kind=kind)


def team(org: Organisation, name: str, *, is_hub: bool = False) -> Team:
    return Team.objects.create(organisation=org, name=name, is_hub=is_hub)


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow by design: hash the shared test password once per run, not per user.
    return make_password(PASSWORD)


def user(
    username: str, *, team: Team | None = None, org: Organisation | None = None, role: str
) -> User:
    u = User.objects.create(
        username=username,
        password=_password_hash(),
        display_name=username.replace("_", " ").title(),
    )
    Membership.objects.create(user=u, organisation=org or team.organisation, team=team, role=role)
    TOTPDevice.objects.create(user=u, name="default", confirmed=True)
    return u


def login(client: Client, u: User) -> Client:
    """Sign in as `u` with MFA already passed (the MFA flow has its own tests)."""
    client.force_login(u)
    device = TOTPDevice.objects.filter(user=u, confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class Personas:
    """The network used across access tests: who works where, and in which role."""

    def __init__(self):
        self.trust = organisation("Demo NHS Foundation Trust", Organisation.Kind.NHS_TRUST)
        self.council = organisation("Demo Borough Council", Organisation.Kind.COUNCIL)
        self.vcs = organisation("Riverside Mind", Organisation.Kind.VCS)
        self.other_vcs = organisation("Unrelated Community Trust", Organisation.Kind.VCS)
        self.hub_team = team(self.trust, "Living Well Hub", is_hub=True)
        self.community_team = team(self.trust, "North Community Team")
        self.vcs_team = team(self.vcs, "Riverside Support")
        self.other_team = team(self.other_vcs, "Elsewhere Team")
        self.hub_worker = user("hub_worker", team=self.hub_team, role=Role.HUB_WORKER)
        self.key_worker = user("key_worker", team=self.community_team, role=Role.KEY_WORKER)
        self.partner_worker = user("partner_worker", team=self.vcs_team, role=Role.PARTNER_WORKER)
        self.unrelated_worker = user("unrelated_worker", team=self.other_team, role=Role.KEY_WORKER)
        self.privacy_officer = user("privacy_officer", org=self.trust, role=Role.PRIVACY_OFFICER)
        self.site_admin = user("site_admin", org=self.council, role=Role.SITE_ADMIN)
        self.analyst = user("analyst", org=self.council, role=Role.ANALYST)


def person_details(**overrides) -> dict:
    n = next(_counter)
    details = {
        "given_name": f"Alex{n}",
        "family_name": "Taylor",
        "date_of_birth": date(1990, 1, 1),
        "postcode": "SE11 5AA",
        "phone": "07700 900123",
    }
    details.update(overrides)
    return details


def introduction(
    *,
    by=None,
    urgent: bool = False,
    route: str = "self",
    person: dict | None = None,
    existing_person=None,
    at=None,
    **details,
):
    """An introduction through the front door's action; `existing_person` for a known person's
    next one, `at` to place it in the past."""
    from livingwell.intake.actions import submit_introduction

    intro, _created = submit_introduction(
        by=by,
        submission_key=uuid.uuid4().hex,
        route=route,
        person=None if existing_person else (person or person_details()),
        existing_person=existing_person,
        at=at,
        details={
            "whats_happening": "Finding things hard since losing my job.",
            "risk_now": "self" if urgent else "no",
            **details,
        },
    )
    return intro
