"""The reads every staff page makes first: the user's memberships and the site's settings
(access/standing.py), compiled once and read together, never kept from one request to the next."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests import factories

from livingwell.access import standing
from livingwell.accounts.models import Membership, Role
from livingwell.core.models import SiteConfig


def _as_orm(user):
    return list(
        Membership.objects.current()
        .filter(user=user)
        .select_related("team", "organisation")
        .order_by("started_at", "pk")
    )


def _fields(m):
    return (
        m.pk,
        m.role,
        m.organisation_id,
        m.team_id,
        m.started_at,
        m.ended_at,
        m.organisation.name,
        m.team.name if m.team_id else None,
        m.team.is_hub if m.team_id else None,
        m.team.is_active if m.team_id else None,
    )


def test_memberships_are_the_current_ones_with_their_team_and_organisation(personas):
    user = personas.key_worker
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
    Membership.objects.create(
        user=user,
        organisation=personas.council,
        role=Role.ANALYST,
        started_at=now - timedelta(days=2),
    )

    found = standing.memberships(user)

    assert [_fields(m) for m in found] == [_fields(m) for m in _as_orm(user)]
    assert len(found) == 2
    assert {m.role for m in found} == {Role.KEY_WORKER, Role.ANALYST}
    assert all(isinstance(m, Membership) and m._state.adding is False for m in found)
    # The related rows came with them: reading them asks the database nothing more.
    with CaptureQueriesContext(connection) as captured:
        [(m.organisation.name, m.team and m.team.name) for m in found]
    assert len(captured) == 0


def test_a_user_with_no_current_membership_has_none(personas):
    Membership.objects.filter(user=personas.key_worker).update(ended_at=timezone.now())
    assert standing.memberships(personas.key_worker) == []


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


def test_a_staff_page_reads_memberships_and_settings_once(personas, client):
    factories.login(client, personas.hub_worker)
    client.get("/hub/")
    sql = []

    def seen(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(seen):  # sees pipelined statements' text too
        assert client.get("/hub/").status_code == 200
    assert sum('FROM "accounts_membership"' in s for s in sql) == 1
    assert sum('FROM "core_siteconfig"' in s for s in sql) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a pipeline is PostgreSQL's")
def test_on_postgresql_both_go_in_one_round_trip(personas, rf, statement_batches):
    request = rf.get("/hub/")
    request.user = personas.hub_worker
    standing.load(request)
    assert statement_batches == [2]
    assert request._lw_site_config.pk == 1
    assert [m.pk for m in request.user._lw_memberships] == [
        m.pk for m in _as_orm(personas.hub_worker)
    ]
