"""What a user is in the network (access/memberships.py) and the site's settings: read with the
ORM once per request, never kept from one request to the next."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests import factories

from livingwell.access.memberships import (
    current_memberships,
    user_hub_team_ids,
    user_organisation_ids,
    user_team_ids,
)
from livingwell.accounts.models import Membership, Role, User
from livingwell.core.models import SiteConfig

pytestmark = pytest.mark.django_db


def test_memberships_are_the_current_ones_with_their_team_and_organisation(personas):
    user = User.objects.get(pk=personas.key_worker.pk)
    now = timezone.now()
    # An ended, a future and an organisation-only membership beside the one the persona has.
    Membership.objects.create(
        user=user,
        organisation=personas.vcs,
        team=personas.vcs_team,
        role=Role.PARTNER_WORKER,
        started_at=now - timedelta(days=30),
        ended_at=now - timedelta(days=1),
    )
    Membership.objects.create(
        user=user,
        organisation=personas.council,
        role=Role.ANALYST,
        started_at=now + timedelta(days=1),
    )
    analyst = Membership.objects.create(
        user=user,
        organisation=personas.council,
        role=Role.ANALYST,
        started_at=now - timedelta(days=2),
    )

    found = current_memberships(user)

    assert [m.role for m in found] == [Role.ANALYST, Role.KEY_WORKER]  # oldest first
    assert found[0] == analyst
    assert user_team_ids(user) == {personas.community_team.pk}
    assert user_organisation_ids(user) == {personas.trust.pk, personas.council.pk}
    assert user_hub_team_ids(user) == set()
    # The related rows came with them: reading them asks the database nothing more.
    with CaptureQueriesContext(connection) as captured:
        [(m.organisation.name, m.team and m.team.name) for m in found]
    assert len(captured) == 0


def test_memberships_are_read_once_per_user_object(personas):
    user = User.objects.get(pk=personas.hub_worker.pk)
    with CaptureQueriesContext(connection) as captured:
        current_memberships(user)
        user_team_ids(user)
        user_hub_team_ids(user)
        user_organisation_ids(user)
    assert len(captured) == 1
    assert user_hub_team_ids(user) == {personas.hub_team.pk}


def test_an_inactive_hub_team_is_not_a_hub_team(personas):
    personas.hub_team.is_active = False
    personas.hub_team.save(update_fields=["is_active"])
    user = User.objects.get(pk=personas.hub_worker.pk)
    assert user_hub_team_ids(user) == set()
    assert user_team_ids(user) == {personas.hub_team.pk}


def test_no_one_signed_in_has_no_memberships():
    assert current_memberships(AnonymousUser()) == []
    assert current_memberships(None) == []


def test_a_user_with_no_current_membership_has_none(personas):
    Membership.objects.filter(user=personas.key_worker).update(ended_at=timezone.now())
    assert current_memberships(User.objects.get(pk=personas.key_worker.pk)) == []


def test_ending_a_membership_ends_its_access_at_the_next_page(personas, client):
    factories.login(client, personas.key_worker)
    assert client.get("/hub/").status_code == 200
    Membership.objects.filter(user=personas.key_worker).update(ended_at=timezone.now())
    assert client.get("/hub/").status_code == 403


def test_a_changed_setting_shows_at_the_next_page(personas, client):
    factories.login(client, personas.hub_worker)
    assert "Demo Borough" in client.get("/hub/").content.decode()
    SiteConfig.objects.filter(pk=1).update(area_name="Northfield and Riverside")
    html = client.get("/hub/").content.decode()
    assert "Northfield and Riverside" in html
    assert "Demo Borough" not in html


def test_the_settings_row_is_made_with_its_defaults_when_missing(personas, client):
    SiteConfig.objects.all().delete()
    factories.login(client, personas.hub_worker)
    assert client.get("/hub/").status_code == 200
    assert SiteConfig.objects.get(pk=1).name == "Living Well"


def test_the_settings_are_read_once_and_kept_on_the_request(db, rf):
    SiteConfig.current()  # the row exists, as on any running site
    request = rf.get("/")
    with CaptureQueriesContext(connection) as captured:
        first = SiteConfig.for_request(request)
        again = SiteConfig.for_request(request)
    assert first is again is request.site_config
    assert len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]) == 1
    assert SiteConfig.for_request(rf.get("/")) is not first  # the next request reads again
