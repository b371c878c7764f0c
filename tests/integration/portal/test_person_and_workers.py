"""What the person does in their portal reaches the workers, and what workers withhold stays
withheld: plan steps and proposals, sharing choices, come back, questions, withheld entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.integration.access.access_helpers import KWC, RESTR, VCS
from tests.integration.portal.portal_support import (
    grant,
    proxy_viewer,
    self_viewer,
    shared_record,
    sign_in,
)

from livingwell.access.models import AuditEvent, SharingPreference, Withholding
from livingwell.hub.models import Contact
from livingwell.portal.models import PlanContribution, PortalRequest

pytestmark = pytest.mark.django_db


def test_the_person_adds_a_step_and_proposes_a_change_the_key_worker_sees_on_the_board(
    client, personas
):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    response = client.post(
        reverse("portal:plan"), {"kind": "step", "text": "Walk to the park on Sundays"}
    )
    assert response.status_code == 302
    client.post(reverse("portal:plan"), {"kind": "proposal", "text": "Meet fortnightly instead"})
    page = client.get(reverse("portal:plan")).content.decode()
    assert "Walk to the park on Sundays" in page and "not yet seen by your key worker" in page
    assert AuditEvent.objects.filter(action="plan.proposal", acting_role="person").exists()

    worker = factories.login(client, personas.key_worker)
    board = worker.get(reverse("hub:board")).content.decode()
    assert "1 person has proposed a change to their plan" in board
    inbox = worker.get(reverse("portal:inbox")).content.decode()
    assert "Meet fortnightly instead" in inbox
    proposal = PlanContribution.objects.get(kind="proposal")
    assert worker.post(reverse("portal:proposal_seen", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.seen_by == personas.key_worker
    assert "has proposed" not in worker.get(reverse("hub:board")).content.decode()


def test_an_unrelated_worker_never_sees_the_proposal_nor_marks_it(client, personas):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    client.post(reverse("portal:plan"), {"kind": "proposal", "text": "Meet fortnightly instead"})
    proposal = PlanContribution.objects.get()
    factories.login(client, personas.unrelated_worker)
    assert "Meet fortnightly" not in client.get(reverse("portal:inbox")).content.decode()
    assert client.post(reverse("portal:proposal_seen", args=[proposal.pk])).status_code == 404
    proposal.refresh_from_db()
    assert proposal.seen_at is None


def test_a_proxy_without_the_plan_cannot_add_to_it(client, personas):
    record = shared_record(personas)
    g = grant(record.person, parts=["support"])
    sign_in(client, proxy_viewer(g))
    response = client.post(reverse("portal:plan"), {"kind": "step", "text": "Sneaky"})
    assert response.status_code == 404
    assert not PlanContribution.objects.exists()


def test_a_sharing_choice_made_by_the_person_takes_effect_at_the_workers_next_request(
    client, personas
):
    from django.test import Client

    record = shared_record(personas)
    partner = factories.login(Client(), personas.partner_worker)
    assert KWC in partner.get(reverse("hub:record", args=[record.intro.pk])).content.decode()

    sign_in(client, self_viewer(record.person))
    response = client.post(
        reverse("portal:sharing"),
        {"organisation": personas.trust.pk, "share_out": "no", "share_in": "yes"},
    )
    assert response.status_code == 302
    choice = SharingPreference.objects.get()
    assert choice.expressed == "portal" and choice.set_by is None and not choice.share_out
    assert AuditEvent.objects.filter(action="sharing.set", acting_role="person").exists()

    page = partner.get(reverse("hub:record", args=[record.intro.pk])).content.decode()
    assert KWC not in page and VCS in page
    history = client.get(reverse("portal:sharing")).content.decode()
    assert "made in their portal" in history


def test_a_worker_cannot_record_a_choice_as_made_in_the_portal(personas):
    from livingwell.access import actions

    record = shared_record(personas)
    with pytest.raises(actions.AccessError):
        actions.set_sharing(
            by=personas.key_worker,
            person=record.person,
            organisation=personas.vcs,
            share_out=False,
            share_in=True,
            expressed="portal",
        )


def test_a_withheld_entry_is_counted_for_the_person_never_shown_and_reviewed(client, personas):
    record = shared_record(personas)
    contact = Contact.objects.get(note=KWC)
    factories.login(client, personas.key_worker)
    url = reverse("portal:withhold", args=[contact.pk])
    response = client.post(url, {"reason": "made_up"})
    assert response.status_code == 200 and not Withholding.objects.exists()
    assert client.post(url, {"reason": "third_party"}).status_code == 302
    factories.login(client, personas.unrelated_worker)
    assert client.get(url).status_code == 404

    sign_in(client := type(client)(), self_viewer(record.person))
    support = client.get(reverse("portal:support")).content.decode()
    assert KWC not in support and "1 entry is not shown to you" in support
    data = client.get(reverse("portal:download_json")).json()
    assert data["entries_withheld"] == 1
    assert KWC not in str(data)
    pdf = client.get(reverse("portal:download_pdf"))
    assert pdf.content.startswith(b"%PDF")

    client.post(reverse("portal:access_log"), {"message": "What was withheld and why?"})
    question = PortalRequest.objects.get()
    assert question.kind == "ask_withheld"

    officer = factories.login(type(client)(), personas.privacy_officer)
    page = officer.get(reverse("portal:privacy_questions")).content.decode()
    assert "What was withheld and why?" in page
    item = Withholding.objects.get()
    officer.post(reverse("portal:review_withholding", args=[item.pk]), {"outcome": "appropriate"})
    item.refresh_from_db()
    assert item.review == "appropriate" and item.reviewed_by == personas.privacy_officer


def test_a_withheld_entry_restricted_to_its_team_is_never_counted_for_the_person(client, personas):
    """The person cannot tell a team-restricted entry exists, so its being withheld too is not
    counted on any page (found by the parity test, test_rule_parity.py)."""
    from livingwell.access.actions import withhold_from_person

    record = shared_record(personas)
    withhold_from_person(
        by=personas.key_worker, contact=Contact.objects.get(note=RESTR), reason="third_party"
    )
    sign_in(client, self_viewer(record.person))
    support = client.get(reverse("portal:support"))
    assert support.context["withheld"] == 0 and RESTR not in support.content.decode()
    assert "not shown to you" not in support.content.decode()
    assert client.get(reverse("portal:download")).context["withheld"] == 0
    assert client.get(reverse("portal:download_json")).json()["entries_withheld"] == 0


def test_the_person_questions_one_access_and_it_reaches_the_privacy_officer(client, personas):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    client.get(reverse("portal:plan"))
    page = client.get(reverse("portal:access_log")).content.decode()
    assert "Key Worker" in page
    assert "The person, in their portal, looked at" not in page  # their own reading left out
    event = AuditEvent.objects.filter(person_id=record.person.pk, actor=personas.key_worker)[0]
    response = client.post(
        reverse("portal:access_log"), {"event": event.pk, "message": "Who is this?"}
    )
    assert response.status_code == 302
    assert PortalRequest.objects.get().audit_event_id == event.pk
    other = factories.introduction()
    foreign = AuditEvent.objects.filter(person_id=other.person_id)[0]
    response = client.post(
        reverse("portal:access_log"), {"event": foreign.pk, "message": "Not mine"}
    )
    assert response.status_code == 200 and PortalRequest.objects.count() == 1


def test_i_want_to_come_back_goes_to_the_hub_inside_the_open_door(client, personas):
    from livingwell.hub import actions as hub

    record = shared_record(personas)
    for h in record.intro.handovers.all():
        hub.advance_handover(by=personas.partner_worker, handover=h, to_state="started")
        hub.advance_handover(by=personas.partner_worker, handover=h, to_state="completed")
    hub.close(by=personas.hub_worker, introduction=record.intro, reason="supported")
    sign_in(client, self_viewer(record.person))
    page = client.get(reverse("portal:support")).content.decode()
    assert "I want to come back" in page
    client.post(reverse("portal:come_back"), {"message": "Things are hard again"})
    assert PortalRequest.objects.get().kind == "come_back"
    hub_client = factories.login(type(client)(), personas.hub_worker)
    assert (
        "1 person is asking to come back" in hub_client.get(reverse("hub:board")).content.decode()
    )
    assert "Things are hard again" in hub_client.get(reverse("portal:inbox")).content.decode()
    record.intro.refresh_from_db()
    assert record.intro.open_door_until > timezone.now() + timedelta(days=1)

    # The Hub brings them back with its own return action; closed again later, the old request
    # is not shown as a new one, and the person can ask again.
    from livingwell.hub.models import Tier

    tier = Tier.objects.filter(is_active=True).first()
    hub.return_within_open_door(by=personas.hub_worker, introduction=record.intro, tier=tier)
    assert "asking to come back" not in hub_client.get(reverse("hub:board")).content.decode()
    record.intro.refresh_from_db()
    hub.close(by=personas.hub_worker, introduction=record.intro, reason="supported")
    assert "asking to come back" not in hub_client.get(reverse("hub:board")).content.decode()
    assert client.post(reverse("portal:come_back"), {}).status_code == 302
    assert PortalRequest.objects.count() == 2
    assert (
        "1 person is asking to come back" in hub_client.get(reverse("hub:board")).content.decode()
    )


def test_about_me_is_the_persons_and_workers_with_a_relationship_see_it(client, personas):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    client.post(reverse("portal:about_me"), {"what_helps": "A quiet room and a cup of tea"})
    worker = factories.login(type(client)(), personas.key_worker)
    page = worker.get(reverse("hub:record", args=[record.intro.pk])).content.decode()
    assert "A quiet room and a cup of tea" in page
    g = grant(record.person, parts=["about_me"])
    proxy = sign_in(type(client)(), proxy_viewer(g))
    assert "A quiet room" in proxy.get(reverse("portal:about_me")).content.decode()
    proxy.post(reverse("portal:about_me"), {"what_helps": "Rewritten by the proxy"})
    assert (
        "Rewritten"
        not in worker.get(reverse("hub:record", args=[record.intro.pk])).content.decode()
    )


def test_my_measures_say_the_change_in_plain_words_and_the_goal_ratings(client, personas):
    from livingwell.outcomes import actions as outcomes

    record = shared_record(personas)
    plan = record.intro.plan_versions.get()
    received = timezone.localdate(record.intro.received_at)
    for score in (3, 0):  # the same day, recorded in this order
        outcomes.record_response(
            by=personas.key_worker,
            introduction=record.intro,
            measure="gad7",
            answers={str(n): score for n in range(1, 8)},
            completed_at=received,
        )
    outcomes.record_response(
        by=personas.key_worker,
        introduction=record.intro,
        measure="gbo",
        answers={"1": 7},
        completed_at=received,
        goal_keys={"1": plan.goals[0]["key"]},
    )
    sign_in(client, self_viewer(record.person))
    page = client.get(reverse("portal:measures")).content.decode()
    assert "improved by 21" in page and "reliable improvement" in page
    assert f"{plan.goals[0]['text']}: 7 out of 10" in page


def test_feedback_given_in_the_portal_reaches_the_experience_lens(client, personas):
    from livingwell.insight.experience import portal_helpfulness
    from livingwell.insight.metrics import Dataset, Filters

    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    assert client.post(reverse("portal:feedback"), {"helpfulness": "9"}).status_code == 200
    response = client.post(reverse("portal:feedback"), {"helpfulness": "5", "comment": "Kind"})
    assert response.status_code == 302
    table = portal_helpfulness(Dataset(Filters.default()))
    assert table.rows[0][:2] == ["5: Extremely helpful", 1]
    event = AuditEvent.objects.get(action="feedback.give")
    assert event.acting_role == "person" and "Kind" not in str(event.detail)
