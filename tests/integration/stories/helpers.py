"""Builders for story tests: a collection and stories made through the real actions."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from livingwell.stories import actions
from livingwell.stories.models import Audience, Signifier

EVERY_AUDIENCE = {a: {"permitted": True, "identity": "anonymous"} for a in Audience.values}
LEARNING_ONLY = {"network_learning": {"permitted": True, "identity": "anonymous"}}


def collection(by=None, **overrides):
    today = timezone.localdate()
    fields = {
        "title": "What changed for you",
        "prompt": "Looking back over the last three months, what was the most significant change?",
        "period_start": today - timedelta(days=90),
        "period_end": today + timedelta(days=30),
        "domains": ["Quality of life", "Connection", "Any other change"],
        "signifiers": [
            {
                "kind": Signifier.Kind.TRIAD,
                "question": "What made the difference?",
                "labels": ["People around me", "The support I got", "What I did myself"],
            },
            {
                "kind": Signifier.Kind.DYAD,
                "question": "How much say did you have?",
                "labels": ["None at all", "All of it"],
            },
            {
                "kind": Signifier.Kind.CHOICE,
                "question": "How do you feel about it now?",
                "labels": ["Hopeful", "Unsure", "Worried"],
            },
        ],
    }
    fields.update(overrides)
    return actions.create_collection(by=by, **fields)


def sigs(c):
    triad, dyad, choice = list(c.signifiers.all())
    return triad, dyad, choice


def answers(c, triad=(60, 30, 10), dyad=70, choice="Hopeful"):
    t, d, ch = sigs(c)
    return {
        t.pk: {"values": list(triad)},
        d.pk: {"values": [dyad]},
        ch.pk: {"choice": choice},
    }


def story(c, *, by=None, consents=None, introduction=None, risk_now="no", domain=0, **kw):
    fields = {
        "what_happened": "I started going to the walking group and met people.",
        "why_it_matters": "I feel less alone.",
        "source": "person",
        "channel": "conversation",
        "told_on": date.today(),
    }
    fields.update(kw)
    if "answers" not in fields:
        fields["answers"] = answers(c)
    return actions.record_story(
        by=by,
        collection=c,
        domain_id=list(c.domains.all())[domain].pk,
        consents=EVERY_AUDIENCE if consents is None else consents,
        introduction=introduction,
        risk_now=risk_now,
        **fields,
    )
