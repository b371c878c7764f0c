"""Each change to a story leaves one audit event naming the person it is about, the purpose and
what changed, and never the story's words."""

from __future__ import annotations

from datetime import date

import pytest
from tests import factories
from tests.integration.stories import helpers

from livingwell.access.models import AuditEvent
from livingwell.stories import actions
from livingwell.stories.models import Feedback

pytestmark = pytest.mark.django_db


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


def test_every_change_to_a_story_is_audited_against_its_person(personas):
    intro = factories.introduction()
    c = helpers.collection()
    s = helpers.story(c, by=personas.key_worker, introduction=intro)
    actions.record_consent(
        by=personas.key_worker,
        story=s,
        audience="training",
        permitted=False,
        identity="anonymous",
        given_on=date.today(),
        review_on=None,
    )
    actions.write_public_text(by=personas.key_worker, story=s, text="Walking made me well.")
    actions.approve_public_text(by=personas.hub_worker, story=s, warnings_read=True)
    selection = actions.select_story(
        by=personas.hub_worker,
        panel=c.panels.get(level=1),
        domain=s.domain,
        story=s,
        reasons="It shows how peer support changed everything, in the teller's words.",
        attendance={"Peer worker": 2},
        met_on=date.today(),
    )
    actions.record_feedback(
        by=personas.hub_worker,
        selection=selection,
        told=Feedback.Told.values[0],
        told_on=date.today(),
        how="By phone",
    )
    actions.withdraw_consent(by=None, story=s, audiences=["public_website"])

    expected = {
        "story.record": ("direct_care", str(s.pk), {"source", "channel", "urgent"}),
        "story.consent.record": ("direct_care", str(s.pk), {"audience", "permitted", "identity"}),
        "story.public_text.write": ("direct_care", str(s.pk), {"warnings"}),
        "story.public_text.check": ("direct_care", str(s.pk), {"warnings"}),
        "story.select": ("direct_care", str(selection.pk), {"level"}),
        "story.feedback": ("direct_care", str(selection.pk), {"told"}),
        "story.consent.withdraw": ("self_completed", str(s.pk), {"audiences"}),
    }
    for action, (purpose, object_id, keys) in expected.items():
        event = _event(action)
        assert event.person_id == intro.person_id, action
        assert (event.category, event.purpose, event.object_id) == ("story", purpose, object_id)
        assert set(event.detail) == keys, action
        assert "Walking" not in str(event.detail)
    assert _event("story.consent.record").detail == {
        "audience": "training",
        "permitted": False,
        "identity": "anonymous",
    }
    assert _event("story.consent.withdraw").detail == {"audiences": ["public_website"]}
