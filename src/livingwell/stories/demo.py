"""Demo story collections for the seed (every word invented).

Two collections (the last reporting period and the current one) with the MSC domains and three
signifiers, a few hundred synthetic stories with realistic patterns (triads drawn from a
Dirichlet distribution leaning by domain, dyads from a Beta distribution, weighted choices),
their consent, and the panels' choices with reasons, public text and feedback.

The collections, the choices, the public text and its check go through ``stories.actions`` as
the demo personas. The stories themselves are synthetic history and are written in bulk, as the
seed writes the rest of the site's history (ADR 0005): one audit event for the whole seed, not
one per invented story.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from livingwell.accounts.models import User
from livingwell.intake.models import Introduction
from livingwell.stories import actions, consent, geometry
from livingwell.stories.models import (
    Answer,
    Audience,
    Channel,
    ConsentEntry,
    Panel,
    Signifier,
    Source,
    Story,
)

DOMAINS = ["Quality of life", "Connection with others", "Having a say", "Any other change"]
SIGNIFIERS = [
    {
        "kind": Signifier.Kind.TRIAD,
        "question": "What made the biggest difference?",
        "labels": ["People around me", "The support I got", "What I did myself"],
    },
    {
        "kind": Signifier.Kind.DYAD,
        "question": "How much say did you have in what happened?",
        "labels": ["No say at all", "It was all my choice"],
    },
    {
        "kind": Signifier.Kind.CHOICE,
        "question": "How do you feel about it now?",
        "labels": ["Hopeful", "Settled", "Unsure", "Worried"],
    },
]
# Which anchor each domain's stories lean towards (Dirichlet weights).
LEAN = {
    0: (2.0, 3.0, 2.5),
    1: (4.0, 1.8, 1.5),
    2: (1.2, 2.0, 3.5),
    3: (2.0, 2.0, 2.0),
}
WHAT = [
    (
        "I started going to the walking group on Thursdays.",
        "I get out of the house and I sleep better.",
    ),
    (
        "My peer worker came with me to the housing office.",
        "I would not have gone on my own. Now the damp is being fixed.",
    ),
    (
        "I was asked what I wanted from my plan, and it was written down in my words.",
        "For once I felt listened to.",
    ),
    (
        "I phoned my sister for the first time in a year.",
        "I had forgotten how much I missed her.",
    ),
    (
        "The Hub called me back the same day when things got bad.",
        "I knew someone was there.",
    ),
    (
        "I joined the allotment project and grew tomatoes.",
        "It gives me a reason to get up.",
    ),
    (
        "We sorted out my benefits with the advice service.",
        "The worry about money has eased a lot.",
    ),
    (
        "I chose to stop one of my medicines after talking it through.",
        "It was my decision and people respected it.",
    ),
    (
        "I went back to the open door when I started to slip.",
        "I did not have to start again from the beginning.",
    ),
    (
        "I helped run a session at the community cafe.",
        "I felt useful again.",
    ),
]
FEELINGS = (["Hopeful", "Settled", "Unsure", "Worried"], [5, 3, 2, 1])
SOURCES = ([Source.PERSON, Source.CARER, Source.WORKER, Source.PARTNER], [55, 15, 20, 10])
AGREE = {
    Audience.CARE_TEAM: 0.8,
    Audience.NETWORK_LEARNING: 0.92,
    Audience.BOARD_REPORTS: 0.6,
    Audience.PUBLIC_WEBSITE: 0.35,
    Audience.NEWS_MEDIA: 0.1,
    Audience.TRAINING: 0.4,
}
REASONS = [
    "This story shows a person taking back control of their own plan. The panel agreed it is "
    "what having a say should look like.",
    "It shows how one phone call can reconnect a family. Several of us had heard similar "
    "stories, and this one says it best.",
    "The change is lasting and the teller explains why in their own words. It also shows the "
    "open door working as it should.",
    "This is a small change that made a big difference. We chose it because it reminds us that "
    "practical help matters as much as talking.",
]
PUBLIC_TEXT = [
    "I started going to a walking group. I get out of the house now and I sleep better.",
    "For once I felt listened to: my plan was written down in my own words.",
    "When things got bad, someone called me back the same day. I knew someone was there.",
    "Sorting out money worries with the advice service took a weight off my mind.",
]


def _dirichlet(rng: random.Random, alpha) -> tuple[float, float, float]:
    draws = [rng.gammavariate(a, 1.0) for a in alpha]
    return geometry.closed(*draws)


def build_demo(rng: random.Random, now: datetime, stories: int = 300) -> dict[str, int]:
    people = {u.username: u for u in User.objects.filter(is_demo_persona=True)}
    needed = {"team.lead", "hub.worker", "peer.worker"}
    if not needed <= set(people):
        return {"collections": 0, "stories": 0}
    lead, hub, peer = people["team.lead"], people["hub.worker"], people["peer.worker"]
    today = timezone.localdate(now)
    earlier = actions.create_collection(
        by=lead,
        title="What changed for you (spring and summer)",
        prompt=(
            "Looking back over the last six months, what was the most significant change in "
            "your life since you came to Living Well?"
        ),
        period_start=today - timedelta(days=365),
        period_end=today - timedelta(days=183),
        domains=DOMAINS,
        signifiers=SIGNIFIERS,
        at=now - timedelta(days=365),
    )
    current = actions.create_collection(
        by=lead,
        title="What changed for you (autumn and winter)",
        prompt=(
            "Looking back over the last six months, what was the most significant change in "
            "your life since you came to Living Well?"
        ),
        period_start=today - timedelta(days=182),
        period_end=today + timedelta(days=30),
        domains=DOMAINS,
        signifiers=SIGNIFIERS,
        at=now - timedelta(days=182),
    )
    intros = list(
        Introduction.objects.exclude(current_team__isnull=True)
        .order_by("received_at")
        .values_list("pk", "person_id", "current_team_id", "current_tier_id")[:2000]
    )
    made = 0
    for collection in (earlier, current):
        made += _stories(rng, collection, intros, stories // 2, now)
        _panels(rng, collection, lead, hub, peer)
    return {"collections": 2, "stories": made}


def _stories(rng, collection, intros, n, now) -> int:
    domains = list(collection.domains.all())
    triad, dyad, choice = list(collection.signifiers.all())
    span = max(
        1, (min(collection.period_end, timezone.localdate(now)) - collection.period_start).days
    )
    rows, answers, consents = [], [], []
    for _i in range(n):
        d = rng.randrange(len(domains))
        what, why = WHAT[rng.randrange(len(WHAT))]
        source = rng.choices(*SOURCES)[0]
        linked = intros[rng.randrange(len(intros))] if intros and rng.random() < 0.7 else None
        told_on = collection.period_start + timedelta(days=rng.randrange(span))
        story = Story(
            collection=collection,
            domain=domains[d],
            what_happened=what,
            why_it_matters=why,
            source=source,
            channel=Channel.LINK
            if source == Source.PERSON and rng.random() < 0.4
            else Channel.CONVERSATION,
            told_on=told_on,
            recorded_at=now - timedelta(days=(timezone.localdate(now) - told_on).days),
            person_id=linked[1] if linked else None,
            team_id=linked[2] if linked else None,
            tier_id=linked[3] if linked else None,
        )
        rows.append(story)
        if rng.random() < 0.08:
            answers.append(Answer(story=story, signifier=triad, not_applicable=True))
        else:
            a, b, c = _dirichlet(rng, LEAN[d])
            answers.append(Answer(story=story, signifier=triad, first=a, second=b, third=c))
        say = rng.betavariate(4.0, 2.0) if d == 2 else rng.betavariate(2.5, 2.5)
        answers.append(Answer(story=story, signifier=dyad, first=say))
        answers.append(Answer(story=story, signifier=choice, choice=rng.choices(*FEELINGS)[0]))
        for audience, p in AGREE.items():
            consents.append(
                ConsentEntry(
                    story=story,
                    audience=audience,
                    permitted=rng.random() < p,
                    identity="anonymous",
                    given_on=told_on,
                    review_on=told_on + timedelta(days=730),
                    recorded_at=story.recorded_at,
                )
            )
    Story.objects.bulk_create(rows)
    Answer.objects.bulk_create(answers)
    ConsentEntry.objects.bulk_create(consents)
    return len(rows)


def _panels(rng, collection, lead, hub, peer) -> None:
    """The collaborative chooses per domain; the Hub team passes two up to the board; some
    choices have public text checked by a second person, and the tellers told."""
    collaborative = collection.panels.get(level=Panel.Level.COLLABORATIVE)
    hub_panel = collection.panels.get(level=Panel.Level.HUB_TEAM)
    met_on = collection.period_end - timedelta(days=3)
    for i, domain in enumerate(collection.domains.all()):
        pool = list(
            consent.allowed(
                actions.candidates(collaborative, domain), Audience.PUBLIC_WEBSITE
            ).order_by("told_on", "pk")[:20]
        )
        if not pool:
            continue
        story = pool[rng.randrange(len(pool))]
        selection = actions.select_story(
            by=lead,
            panel=collaborative,
            domain=domain,
            story=story,
            reasons=REASONS[i % len(REASONS)],
            attendance={"Person with lived experience": 5, "Peer worker": 2, "Team lead": 1},
            met_on=met_on,
        )
        actions.write_public_text(by=peer, story=story, text=PUBLIC_TEXT[i % len(PUBLIC_TEXT)])
        actions.approve_public_text(by=hub, story=story, warnings_read=True)
        if i % 2 == 0:
            actions.record_feedback(
                by=lead,
                selection=selection,
                told="teller",
                told_on=met_on + timedelta(days=7),
                how="A phone call from their peer worker",
            )
        if i < 2:
            actions.select_story(
                by=lead,
                panel=hub_panel,
                domain=domain,
                story=story,
                reasons=REASONS[(i + 1) % len(REASONS)],
                attendance={"Hub worker": 4, "Team lead": 1, "Person with lived experience": 2},
                met_on=met_on + timedelta(days=2),
            )
