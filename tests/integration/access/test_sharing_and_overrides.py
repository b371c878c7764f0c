"""Sharing the person controls: objections, safeguarding overrides, restricted entries, leavers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.integration.access.access_helpers import CONV, KWC, PLAN, RESTR, VCS, build_shared_record

from livingwell.access import actions
from livingwell.access.models import AuditEvent, SafeguardingOverride, SharingPreference
from livingwell.access.sharing import current_preferences
from livingwell.accounts.models import Membership
from livingwell.hub.models import Contact

pytestmark = pytest.mark.django_db


def _record(client, shared):
    return client.get(reverse("hub:record", args=[shared.intro.pk]))


def _object(shared, org):
    actions.set_sharing(
        by=shared.personas.key_worker,
        person=shared.person,
        organisation=org,
        share_out=False,
        share_in=True,
    )


def test_objection_blocks_a_partner_and_a_safeguarding_override_lets_them_in(client, personas):
    shared = build_shared_record(personas)
    _object(shared, personas.trust)
    factories.login(client, personas.partner_worker)

    blocked = _record(client, shared).content.decode()
    assert CONV not in blocked and KWC not in blocked and PLAN not in blocked
    assert VCS in blocked  # their own entry
    assert "asked that some information recorded by other organisations is not shared" in blocked

    url = reverse("access:override", args=[shared.intro.pk])
    too_short = client.post(url, {"reason": "worried"})
    assert too_short.status_code == 200
    assert "at least 10 characters" in too_short.content.decode()
    assert 'value="worried"' in too_short.content.decode() or "worried</textarea>" in (
        too_short.content.decode()
    )
    assert not SafeguardingOverride.objects.exists()

    response = client.post(url, {"reason": "Disclosure of harm to a child at home."})
    assert response.status_code == 302
    override = SafeguardingOverride.objects.get()
    assert override.user == personas.partner_worker and override.review == "pending"
    assert timedelta(hours=23) < override.expires_at - override.started_at <= timedelta(hours=24)
    event = AuditEvent.objects.get(action="sharing.override")
    assert event.severity == "high" and event.purpose == "safeguarding"
    assert event.person_id == shared.person.pk
    assert "child" not in str(event.detail)  # the typed reason stays out of the audit trail

    opened = _record(client, shared).content.decode()
    assert CONV in opened and KWC in opened and PLAN in opened and VCS in opened
    assert RESTR not in opened  # never the team-restricted entry
    assert "under a safeguarding override" in opened

    # The override is queued for the privacy officer and shown in the person's access log.
    factories.login(client, personas.privacy_officer)
    workspace = client.get(reverse("access:privacy_workspace")).content.decode()
    assert reverse("access:review_override", args=[override.pk]) in workspace
    log = client.get(reverse("access:person_log", args=[shared.person.pk])).content.decode()
    assert "set aside a sharing objection" in log and "for a safeguarding reason" in log


def test_an_override_ends_when_it_expires(client, personas):
    shared = build_shared_record(personas)
    _object(shared, personas.trust)
    override = actions.record_safeguarding_override(
        by=personas.partner_worker, person=shared.person, reason="Disclosure of harm at home."
    )
    SafeguardingOverride.objects.filter(pk=override.pk).update(
        started_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(days=1)
    )
    factories.login(client, personas.partner_worker)
    assert CONV not in _record(client, shared).content.decode()


def test_override_page_for_unrelated_worker_is_not_found(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.unrelated_worker)
    url = reverse("access:override", args=[shared.intro.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Disclosure of harm at home."}).status_code == 404
    assert not SafeguardingOverride.objects.exists()


def test_override_needs_a_relationship_in_the_action(personas):
    shared = build_shared_record(personas)
    with pytest.raises(actions.AccessError):
        actions.record_safeguarding_override(
            by=personas.unrelated_worker, person=shared.person, reason="Disclosure of harm."
        )


def test_restricted_entries_are_invisible_to_others_including_their_existence(client, personas):
    shared = build_shared_record(personas)
    restricted = Contact.objects.get(restricted=True)
    # The author's team sees it, marked as theirs only.
    factories.login(client, personas.key_worker)
    own = _record(client, shared).content.decode()
    assert RESTR in own and "Your team only" in own

    shown = Contact.objects.filter(restricted=False).count()
    for persona in ("hub_worker", "partner_worker"):
        factories.login(client, getattr(personas, persona))
        body = _record(client, shared).content.decode()
        assert RESTR not in body and "Your team only" not in body
        assert str(restricted.pk) not in body
        # One table row per contact the viewer may see; nothing counts or hints at the other.
        contacts_table = body.split("Contacts, newest first")[1].split("</table>")[0]
        assert contacts_table.count('<tr class="nhsuk-table__row">') == shown + 1  # + header

    # Neither break-glass nor a safeguarding override reveals it. (An override is not open to
    # break-glass: permissions.PERMISSION_BASES.)
    actions.start_break_glass(
        by=personas.unrelated_worker, person=shared.person, reason="Found collapsed at the centre."
    )
    factories.login(client, personas.unrelated_worker)
    assert RESTR not in _record(client, shared).content.decode()
    actions.record_safeguarding_override(
        by=personas.partner_worker, person=shared.person, reason="Disclosure of harm at home."
    )
    factories.login(client, personas.partner_worker)
    assert RESTR not in _record(client, shared).content.decode()


@pytest.mark.parametrize("persona", ["partner_worker", "key_worker", "hub_worker"])
def test_a_leaver_loses_access_at_once(client, personas, persona):
    shared = build_shared_record(personas)
    user = getattr(personas, persona)
    factories.login(client, user)
    assert _record(client, shared).status_code == 200
    Membership.objects.filter(user=user).update(ended_at=timezone.now())
    response = _record(client, shared)
    assert response.status_code in {403, 404}
    assert shared.person.given_name not in response.content.decode()
    log = client.get(reverse("access:person_log", args=[shared.person.pk]))
    assert log.status_code in {403, 404}


def test_a_mover_to_another_organisation_loses_the_old_relationship(client, personas):
    shared = build_shared_record(personas)
    Membership.objects.filter(user=personas.partner_worker).update(ended_at=timezone.now())
    Membership.objects.create(
        user=personas.partner_worker,
        organisation=personas.other_vcs,
        team=personas.other_team,
        role="partner_worker",
    )
    factories.login(client, personas.partner_worker)
    assert _record(client, shared).status_code == 404


# --- the sharing page -----------------------------------------------------------------------


def test_sharing_page_needs_sign_in(client, personas):
    shared = build_shared_record(personas)
    response = client.get(reverse("access:sharing", args=[shared.intro.pk]))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_sharing_page_is_not_found_without_a_relationship(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.unrelated_worker)
    url = reverse("access:sharing", args=[shared.intro.pk])
    assert client.get(url).status_code == 404
    post = client.post(
        url, {"organisation": personas.trust.pk, "share_out": "no", "share_in": "yes"}
    )
    assert post.status_code == 404
    assert not SharingPreference.objects.exists()


def test_sharing_page_records_a_choice_and_keeps_history(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.key_worker)
    url = reverse("access:sharing", args=[shared.intro.pk])
    page = client.get(url).content.decode()
    assert "Yes (default)" in page and "Riverside Mind" in page

    data = {
        "organisation": personas.vcs.pk,
        "share_out": "no",
        "share_in": "yes",
        "expressed": "phone",
        "note": "3 March",
    }
    assert client.post(url, data).status_code == 302
    data["share_out"] = "yes"
    assert client.post(url, data).status_code == 302

    rows = list(SharingPreference.objects.filter(person=shared.person).order_by("id"))
    assert [r.share_out for r in rows] == [False, True]
    assert current_preferences(shared.person.pk)[personas.vcs.pk].share_out is True
    events = AuditEvent.objects.filter(action="sharing.set").order_by("id")
    assert [e.detail["share_out"] for e in events] == [False, True]
    assert all(e.person_id == shared.person.pk and e.actor == personas.key_worker for e in events)
    history = client.get(url).content.decode()
    told = "decision, told to Key Worker on the phone: "
    assert history.count(f"for Riverside Mind: The person's {told}") == 2
    assert "does not share out" in history
    # Withdrawing the objection widened access again, and says so.
    assert [r.widens_access for r in rows] == [False, True]
    assert history.count("This choice widens who may see the record") == 1


def test_sharing_page_explains_bad_input_and_stores_nothing(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.key_worker)
    url = reverse("access:sharing", args=[shared.intro.pk])
    response = client.post(
        url,
        {
            "organisation": personas.vcs.pk,
            "share_out": "yes",
            "share_in": "no",
            "open_record": "on",
            "note": "Said at the group",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "To open the record, the organisation must be able to share in" in body
    assert 'value="Said at the group"' in body  # everything typed is kept
    missing = client.post(url, {"organisation": personas.vcs.pk})
    assert "Say whether this organisation shares out" in missing.content.decode()
    same = client.post(
        url,
        {
            "organisation": personas.vcs.pk,
            "share_out": "yes",
            "share_in": "yes",
            "expressed": "in_person",
        },
    )
    assert "already the person&#x27;s choices" in same.content.decode()
    assert not SharingPreference.objects.exists()
    assert not AuditEvent.objects.filter(action="sharing.set").exists()


def test_share_in_refusal_hides_others_entries_from_that_organisation_only(client, personas):
    shared = build_shared_record(personas)
    actions.set_sharing(
        by=personas.key_worker,
        person=shared.person,
        organisation=personas.vcs,
        share_out=True,
        share_in=False,
    )
    factories.login(client, personas.partner_worker)
    body = _record(client, shared).content.decode()
    assert VCS in body and CONV not in body and KWC not in body
    factories.login(client, personas.hub_worker)
    body = _record(client, shared).content.decode()
    assert VCS in body and CONV in body


def test_an_objection_also_hides_goal_wording_on_the_outcomes_pages(client, personas):
    """The outcomes pages read plan goals too: an objection must hold there as well."""
    shared = build_shared_record(personas)
    factories.login(client, personas.partner_worker)
    gbo_form = reverse("outcomes:record", args=[shared.intro.pk, "gbo"])
    assert PLAN in client.get(gbo_form).content.decode()  # before the objection: visible

    _object(shared, personas.trust)
    assert PLAN not in client.get(gbo_form).content.decode()
    assert (
        PLAN not in client.get(reverse("outcomes:person", args=[shared.intro.pk])).content.decode()
    )
