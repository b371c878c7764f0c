"""open_introduction loads the introduction with three answers about its person
(access/helpers._load_introduction): each must give what the rule it is built from gives, for the
person of the introduction opened (not another's), in every case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests import factories

from livingwell.access.actions import set_sharing
from livingwell.access.helpers import _load_introduction
from livingwell.access.models import SharingPreference
from livingwell.access.relationships import held_open_q
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db


def _answers(user, intro):
    return _load_introduction(user, intro.pk)


def _orm(user, intro):
    now = timezone.now()
    person = Introduction.objects.filter(person_id=intro.person_id)
    return {
        "held_open": person.filter(held_open_q(now)).exists(),
        "holds_one": person.filter(owner=user).exists(),
        "sharing": SharingPreference.objects.filter(person_id=intro.person_id).exists(),
    }


def _in_state(hub, state: str):
    """An introduction in `state` through the real actions: "new", "in_support", "door_open"
    (closed, its open door still open) or "door_shut" (closed long enough ago that it shut)."""
    from tests.outcomes_support import in_support

    from livingwell.hub.actions import close

    if state == "new":
        return factories.introduction()
    days = {"in_support": 0, "door_open": 10, "door_shut": 800}[state]
    intro = in_support(hub, days_ago=days)
    if state != "in_support":
        close(
            by=hub,
            introduction=intro,
            reason="supported",
            at=timezone.now() - timedelta(days=days - 1),
        )
    return Introduction.objects.get(pk=intro.pk)


@pytest.mark.parametrize("state", ["new", "in_support", "door_open", "door_shut"])
def test_held_open_and_holds_one_match_the_orm_rules(personas, state):
    hub = personas.hub_worker
    intro = _in_state(hub, state)
    assert (intro.state == "closed") == state.startswith("door")
    for owner in (None, hub):
        Introduction.objects.filter(pk=intro.pk).update(owner=owner)
        got, want = _answers(hub, intro), _orm(hub, intro)
        assert got.lw_held_open == want["held_open"]
        assert got.lw_holds_one == want["holds_one"] == (owner is not None)
        assert got.lw_has_sharing_choices == want["sharing"] is False
    assert want["held_open"] == (state != "door_shut")


def test_another_open_introduction_holds_the_person_open(personas):
    hub = personas.hub_worker
    shut = _in_state(hub, "door_shut")
    assert _answers(hub, shut).lw_held_open is False
    again = _in_state(hub, "new")
    Introduction.objects.filter(pk=again.pk).update(person_id=shut.person_id)
    assert _answers(hub, shut).lw_held_open is True
    assert _orm(hub, shut)["held_open"] is True


def test_sharing_choices_answer_matches(personas):
    from tests.outcomes_support import in_support

    intro = in_support(personas.hub_worker)
    assert _answers(personas.hub_worker, intro).lw_has_sharing_choices is False
    set_sharing(
        by=personas.hub_worker,
        person=intro.person,
        organisation=personas.vcs,
        share_out=False,
        share_in=False,
    )
    assert _answers(personas.hub_worker, intro).lw_has_sharing_choices is True


def test_non_hub_users_get_no_held_open_answer(personas):
    intro = factories.introduction()
    got = _answers(personas.partner_worker, intro)
    assert not hasattr(got, "lw_held_open") and not hasattr(got, "lw_holds_one")


def _stored(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("owned", [False, True])
def test_the_introduction_loads_as_the_orm_loads_it(personas, owned, django_assert_num_queries):
    hub = personas.hub_worker
    intro = _in_state(hub, "in_support")
    Introduction.objects.filter(pk=intro.pk).update(owner=hub if owned else None)
    want = Introduction.objects.select_related("person", "owner").get(pk=intro.pk)
    with django_assert_num_queries(1):
        got = _load_introduction(hub, intro.pk)
        # The person and the owner came with it.
        assert _stored(got.person) == _stored(want.person)
        assert (got.owner and _stored(got.owner)) == (want.owner and _stored(want.owner))
    assert type(got) is Introduction and not got._state.adding
    assert _stored(got) == _stored(want)


def test_no_such_introduction_loads_as_none(personas):
    import uuid

    assert _load_introduction(personas.hub_worker, uuid.uuid4()) is None
