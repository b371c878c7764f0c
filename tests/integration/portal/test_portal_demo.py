"""The demo has people with portal access, and `demo_logins` prints how they sign in."""

from __future__ import annotations

import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from livingwell.access.person import SESSION_KEY
from livingwell.portal import demo
from livingwell.seed.run import SeedOptions, seed_site

pytestmark = pytest.mark.django_db


def test_demo_people_and_a_proxy_sign_in_with_what_demo_logins_prints(client, outbox):
    seed_site(SeedOptions(people=60, years=2, seed=1), progress=lambda m: None, with_hooks=False)
    assert demo.build_demo(random.Random("portal"), timezone.now()) == {"people": 2}
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    printed = re.findall(r"  (\S+@portal\.demo\.invalid)  born (\d\d \d\d \d{4})", text)
    assert len(printed) == 3  # two people and one proxy
    for email, born in printed:
        client.post(reverse("portal:sign_in"), {"contact": email, "date_of_birth": born})
        code = re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)
        client.post(reverse("portal:code"), {"code": code})
        assert client.get(reverse("portal:plan")).status_code == 200, email
        kind = client.session[SESSION_KEY]["kind"]
        assert kind == ("proxy" if email == demo.PROXY_EMAIL else "self")
        client.post(reverse("portal:sign_out"))
