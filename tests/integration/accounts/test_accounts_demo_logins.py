"""`livingwell demo_logins` lists each demo persona with roles, organisation and the password."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from livingwell.accounts.demo import DEMO_PASSWORD
from livingwell.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_logins_lists_demo_personas_only(personas):
    User.objects.filter(pk__in=[personas.hub_worker.pk, personas.partner_worker.pk]).update(
        is_demo_persona=True
    )
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "hub_worker" in text
    assert "Hub worker – Living Well Hub (Demo NHS Foundation Trust)" in text
    assert "partner_worker" in text
    assert "Partner organisation worker – Riverside Support (Riverside Mind)" in text
    assert "key_worker" not in text
    assert DEMO_PASSWORD in text
    assert "MFA step shows the current code" in text


def test_demo_logins_without_personas(db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "No demo personas yet" in out.getvalue()
    assert DEMO_PASSWORD not in out.getvalue()
