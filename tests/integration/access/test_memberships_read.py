"""The user's current memberships, read through a statement compiled once per process: the same
rows, teams and organisations as the ORM query, and nothing kept between requests."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from livingwell.access.permissions import role_permissions
from livingwell.access.relationships import _memberships, _memberships_query, _read_memberships
from livingwell.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def _fields(m):
    def plain(obj):
        return obj and {k: v for k, v in obj.__dict__.items() if k != "_state"}

    return (plain(m), plain(m.team), plain(m.organisation))


def test_same_memberships_as_the_orm_for_every_persona_including_no_team_and_ended(personas):
    now = timezone.now()
    # One ended and one not yet started: neither is current.
    Membership.objects.create(
        user=personas.hub_worker,
        organisation=personas.vcs,
        team=personas.vcs_team,
        role=Role.PARTNER_WORKER,
        started_at=now - timedelta(days=9),
        ended_at=now - timedelta(days=1),
    )
    Membership.objects.create(
        user=personas.hub_worker,
        organisation=personas.council,
        role=Role.ANALYST,
        started_at=now + timedelta(days=1),
    )
    for user in User.objects.all():
        fast = _read_memberships(user)
        orm = list(_memberships_query(user))
        assert sorted(map(_fields, fast), key=repr) == sorted(map(_fields, orm), key=repr)
    hub = _read_memberships(personas.hub_worker)
    assert [(m.role, m.team.name, m.team.is_hub) for m in hub] == [
        (Role.HUB_WORKER, "Living Well Hub", True)
    ]
    admin = _read_memberships(personas.site_admin)
    assert [(m.role, m.team, m.organisation.name) for m in admin] == [
        (Role.SITE_ADMIN, None, "Demo Borough Council")
    ]
    assert not hub[0]._state.adding


def test_read_once_per_user_object_and_afresh_for_the_next_request(personas):
    user = User.objects.get(pk=personas.hub_worker.pk)
    with CaptureQueriesContext(connection) as queries:
        assert role_permissions(user)
        _memberships(user)
    assert len(queries) == 1

    Membership.objects.filter(user=personas.hub_worker).update(ended_at=timezone.now())
    next_request = User.objects.get(pk=personas.hub_worker.pk)
    assert _memberships(next_request) == []
    assert role_permissions(next_request) == frozenset()
