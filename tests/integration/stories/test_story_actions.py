"""The story actions: answers checked, risk sent to the Hub, the consent ledger, the public
text's second-person check, and the selection panels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests import factories
from tests.integration.stories import helpers

from livingwell.access.models import AuditEvent
from livingwell.intake.models import Introduction
from livingwell.stories import actions, consent
from livingwell.stories.models import Answer, Audience, Panel, Story

pytestmark = pytest.mark.django_db


def test_a_story_is_stored_with_closed_shares_and_every_audiences_consent(personas):
    c = helpers.collection(by=personas.site_admin)
    s = helpers.story(c, by=personas.key_worker)
    triad, dyad, choice = helpers.sigs(c)
    t = Answer.objects.get(story=s, signifier=triad)
    assert (t.first, t.second, t.third) == pytest.approx((0.6, 0.3, 0.1))
    assert Answer.objects.get(story=s, signifier=dyad).first == pytest.approx(0.7)
    assert Answer.objects.get(story=s, signifier=choice).choice == "Hopeful"
    assert all(consent.may_use(s, a) for a in Audience.values)
    assert AuditEvent.objects.filter(action="story.record", object_id=str(s.pk)).exists()


@pytest.mark.parametrize(
    ("triad", "message"),
    [((60, 30, 20), "add up to 100"), ((120, -10, -10), "from 0 to 100")],
)
def test_a_triad_that_does_not_add_up_is_refused_naming_it_and_nothing_is_stored(
    personas, triad, message
):
    c = helpers.collection()
    with pytest.raises(actions.StoryError) as err:
        helpers.story(c, answers=helpers.answers(c, triad=triad))
    assert message in str(err.value)
    assert err.value.field == f"sig_{helpers.sigs(c)[0].pk}"
    assert not Story.objects.exists()


def test_a_signifier_left_empty_or_ticked_does_not_apply(personas):
    c = helpers.collection()
    triad, dyad, choice = helpers.sigs(c)
    s = helpers.story(
        c, answers={triad.pk: {"na": True, "values": [50, 50, 0]}, dyad.pk: {"values": [""]}}
    )
    assert set(Answer.objects.filter(story=s).values_list("not_applicable", flat=True)) == {True}


def test_a_story_disclosing_risk_goes_to_the_hub_as_urgent_through_the_front_doors_action(
    personas,
):
    intro = factories.introduction()
    c = helpers.collection()
    s = helpers.story(c, by=personas.key_worker, introduction=intro, risk_now="self")
    urgent = s.urgent_introduction
    assert urgent is not None and urgent.urgent and urgent.person_id == intro.person_id
    assert urgent.state == Introduction.State.NEW
    assert s.risk_disclosed


def test_risk_without_a_person_to_link_is_refused_so_nothing_is_lost_quietly(personas):
    c = helpers.collection()
    with pytest.raises(actions.StoryError) as err:
        helpers.story(c, by=personas.key_worker, risk_now="not_sure")
    assert err.value.field == "risk_now"
    assert not Story.objects.exists()


def test_withdrawal_takes_effect_at_once_and_the_ledger_keeps_every_line(personas):
    c = helpers.collection()
    s = helpers.story(c)
    assert consent.may_use(s, Audience.PUBLIC_WEBSITE)
    actions.withdraw_consent(by=personas.key_worker, story=s, audiences=["public_website"])
    assert not consent.may_use(s, Audience.PUBLIC_WEBSITE)
    assert consent.may_use(s, Audience.NETWORK_LEARNING)
    assert s.consents.filter(audience="public_website").count() == 2
    # Given again later: the latest line is the consent in force.
    actions.record_consent(
        by=personas.key_worker,
        story=s,
        audience="public_website",
        permitted=True,
        identity="anonymous",
        given_on=date.today(),
        review_on=None,
    )
    assert consent.may_use(s, Audience.PUBLIC_WEBSITE)


def test_consent_past_its_review_date_no_longer_allows_the_use(personas):
    c = helpers.collection()
    s = helpers.story(c, consents={})
    actions.record_consent(
        by=None,
        story=s,
        audience="training",
        permitted=True,
        identity="named",
        given_on=date.today() - timedelta(days=400),
        review_on=date.today() - timedelta(days=35),
    )
    assert not consent.may_use(s, Audience.TRAINING)
    assert consent.may_use(s, Audience.TRAINING, today=date.today() - timedelta(days=40))


def test_public_text_needs_a_second_person_who_has_read_the_warnings(personas):
    c = helpers.collection()
    s = helpers.story(c)
    actions.write_public_text(
        by=personas.key_worker, story=s, text="I met Sarah on Mill Road and things changed."
    )
    assert not consent.public_stories().exists()
    with pytest.raises(actions.StoryError, match="Someone other"):
        actions.approve_public_text(by=personas.key_worker, story=s, warnings_read=True)
    kinds = {f.kind for f in actions.public_text_findings(s)}
    assert {"place", "name_like"} <= kinds
    with pytest.raises(actions.StoryError) as err:
        actions.approve_public_text(by=personas.hub_worker, story=s, warnings_read=False)
    assert err.value.field == "warnings_read"
    actions.approve_public_text(by=personas.hub_worker, story=s, warnings_read=True)
    assert list(consent.public_stories()) == [s]
    # Changing the text takes it down until it is checked again.
    actions.write_public_text(by=personas.key_worker, story=s, text="Things changed for me.")
    assert not consent.public_stories().exists()


def test_the_check_warns_on_an_nhs_number_and_a_date_of_birth():
    from livingwell.stories.check import findings

    kinds = {f.kind for f in findings("My NHS number is 943 476 5919, born on 3 May 1980.")}
    assert {"nhs_number", "date_of_birth"} <= kinds
    assert findings("Things are better now.") == []


REASONS = "It shows how peer support changed everything. The panel agreed it was the clearest."


def test_a_panel_chooses_with_reasons_and_the_choice_passes_up(personas):
    c = helpers.collection()
    first = helpers.story(c)
    second = helpers.story(c, consents=helpers.LEARNING_ONLY)
    domain = c.domains.first()
    collaborative = c.panels.get(level=Panel.Level.COLLABORATIVE)
    hub = c.panels.get(level=Panel.Level.HUB_TEAM)
    board = c.panels.get(level=Panel.Level.BOARD)
    assert set(actions.candidates(collaborative, domain)) == {first, second}
    assert not actions.candidates(hub, domain).exists()
    for reasons in ("", "good one"):
        with pytest.raises(actions.StoryError) as err:
            actions.select_story(
                by=personas.hub_worker,
                panel=collaborative,
                domain=domain,
                story=second,
                reasons=reasons,
                attendance={"Peer worker": 2},
                met_on=date.today(),
            )
        assert err.value.field == "reasons"
    actions.select_story(
        by=personas.hub_worker,
        panel=collaborative,
        domain=domain,
        story=second,
        reasons=REASONS,
        attendance={"Peer worker": 2, "Person with lived experience": 4},
        met_on=date.today(),
    )
    assert list(actions.candidates(hub, domain)) == [second]
    actions.select_story(
        by=personas.hub_worker,
        panel=hub,
        domain=domain,
        story=second,
        reasons=REASONS,
        attendance={"Hub worker": 3},
        met_on=date.today(),
    )
    # The board reads board reports: this teller agreed to network learning only.
    assert not actions.candidates(board, domain).exists()


def test_feedback_is_recorded(personas):
    c = helpers.collection()
    s = helpers.story(c)
    selection = actions.select_story(
        by=personas.hub_worker,
        panel=c.panels.get(level=1),
        domain=c.domains.first(),
        story=s,
        reasons=REASONS,
        attendance={"Peer worker": 1},
        met_on=date.today(),
    )
    actions.record_feedback(
        by=personas.hub_worker, selection=selection, told="teller", told_on=date.today(), how="Call"
    )
    assert selection.feedback.get().told == "teller"


def test_the_tellers_link_works_once_then_lets_them_withdraw(personas, settings):
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    intro = factories.introduction()
    c = helpers.collection()
    link, raw = actions.create_teller_link(by=personas.hub_worker, introduction=intro, collection=c)
    fields = {
        "domain_id": c.domains.first().pk,
        "what_happened": "Things got better.",
        "why_it_matters": "I can sleep.",
        "answers": helpers.answers(c),
        "consents": helpers.EVERY_AUDIENCE,
        "risk_now": "no",
    }
    s = actions.tell_via_link(token=raw, **fields)
    assert s.person_id == intro.person_id and s.collected_by is None
    with pytest.raises(actions.LinkError):
        actions.tell_via_link(token=raw, **fields)
    assert Story.objects.count() == 1
    link.refresh_from_db()
    assert link.used_at is not None and link.story == s
    assert actions.open_link(raw).story == s
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save(update_fields=["expires_at"])
    with pytest.raises(actions.LinkError):
        actions.open_link(raw)
