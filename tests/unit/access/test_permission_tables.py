"""The roles-as-data tables of access/permissions.py hold the shape the code relies on."""

from __future__ import annotations

from livingwell.access.permissions import (
    HANDOVER_STEPS,
    PERMISSION_BASES,
    PERSON_SCOPED,
    Permission,
    Side,
)
from livingwell.access.relationships import FULL_RECORD, LASTING, Basis

STRONGEST_FIRST = list(Basis)


def test_each_permissions_bases_hold_every_stronger_basis():
    """relationship() answers with the strongest basis only, so a permission allowed on a basis
    must be allowed on every stronger one, or a user with two relationships would lose it."""
    for permission, bases in PERMISSION_BASES.items():
        weakest = max(STRONGEST_FIRST.index(b) for b in bases)
        assert set(STRONGEST_FIRST[: weakest + 1]) == set(bases), permission


def test_relationships_that_pass_are_not_lasting():
    assert LASTING == {Basis.HUB, Basis.KEY_WORKER, Basis.CARE_TEAM}
    passing = {Basis.BREAK_GLASS, Basis.HANDOVER_OFFER, Basis.PARTNER_HANDOVER}
    assert not passing & LASTING and Basis.PERSON_SHARED not in LASTING


def test_what_hands_out_access_needs_a_lasting_relationship():
    """A sharing choice (open the record), a key worker, a handover: each gives someone access
    that outlives the worker's own relationship."""
    for permission in (
        Permission.RECORD_SHARING,
        Permission.ALLOCATE,
        Permission.OFFER_HANDOVER,
        Permission.REOPEN,
        Permission.TAKE_OWNERSHIP,
    ):
        assert PERMISSION_BASES[permission] <= LASTING, permission


def test_break_glass_and_an_offer_cannot_set_aside_objections_or_change_care():
    for basis in (Basis.BREAK_GLASS, Basis.HANDOVER_OFFER):
        allowed = {p for p, bases in PERMISSION_BASES.items() if basis in bases}
        if basis == Basis.BREAK_GLASS:
            assert allowed == {
                Permission.VIEW_RECORD,
                Permission.VIEW_ACCESS_LOG,
                Permission.RECORD_CONTACT,
            }
        else:
            assert allowed == {Permission.VIEW_RECORD}  # the summary, to reply to the offer


def test_every_permission_about_a_person_names_its_bases():
    assert PERSON_SCOPED == set(PERMISSION_BASES)
    assert all(bases and bases <= set(Basis) for bases in PERMISSION_BASES.values())
    assert PERMISSION_BASES[Permission.VIEW_ACCESS_LOG] == FULL_RECORD


def test_the_hub_takes_ownership_and_the_sides_take_their_handover_steps():
    assert PERMISSION_BASES[Permission.TAKE_OWNERSHIP] == {Basis.HUB}
    assert HANDOVER_STEPS["accepted"] == HANDOVER_STEPS["declined"] == {Side.RECEIVING}
    assert HANDOVER_STEPS["withdrawn"] == HANDOVER_STEPS["acknowledged"] == {Side.OFFERING}
    assert HANDOVER_STEPS["started"] == HANDOVER_STEPS["completed"] == {Side.RECEIVING, Side.HUB}
