"""Demo data for insight: the synthetic population table and closure feedback (seed hooks)."""

from __future__ import annotations

from pathlib import Path

DEMO_POPULATION = Path(__file__).parent / "data" / "demo_population.csv"


def load_demo_population(**_ignored) -> dict[str, int]:
    """Load the shipped synthetic population (an inner-London-like borough of 300,000).

    Every row is made up, for the demo only: ethnic group, age band, sex, gender (woman, man,
    non-binary, other answers; the shares loosely follow a census gender identity question) and
    deprivation decile, each adding up to the same 300,000 residents.
    """
    from livingwell.insight.actions import import_population

    return import_population(by=None, text=DEMO_POPULATION.read_text(encoding="utf-8"))


FEEDBACK_SHARE = 0.4
# Helpfulness 1..5 and "felt listened to", drawn so that most people are positive, as in real
# closure surveys, with a tail of people the support did not suit.
HELPFULNESS_WEIGHTS = (4, 6, 18, 36, 36)
LISTENED_BY_HELPFULNESS = {
    1: (("no", 6), ("partly", 3), ("yes", 1)),
    2: (("no", 4), ("partly", 5), ("yes", 1)),
    3: (("no", 1), ("partly", 5), ("yes", 4)),
    4: (("no", 0.3), ("partly", 2), ("yes", 8)),
    5: (("no", 0.1), ("partly", 0.9), ("yes", 9)),
}
COMMENTS = {
    "good": [
        "Being able to call back without starting again made all the difference.",
        "My worker came to my flat when I could not face going out. Thank you.",
        "I only had to tell my story once. That mattered more than I expected.",
        "The peer group helped me feel less alone.",
        "They helped with the debt letters, which was what was keeping me awake.",
        "I felt believed from the first phone call.",
    ],
    "mixed": [
        "Helpful once it started, but the first wait felt long.",
        "Good support, though I saw three different people.",
        "The phone calls helped; I would have liked to meet in person sooner.",
    ],
    "poor": [
        "I did not feel the plan was really mine.",
        "It was hard to get hold of anyone in the evenings.",
        "I was passed between services and had to explain everything again.",
    ],
}


def build_feedback(rng, introductions, *, share: float = FEEDBACK_SHARE, batch: int = 2000) -> int:
    """Write synthetic closure feedback for about ``share`` of the closures of ``introductions``.

    ``introductions`` is a queryset (or list) of introductions; their closures are read in one
    streamed query and feedback is written with bulk_create. Returns the number written.
    Synthetic history, like the rest of the seed: no per-row audit events (ADR 0005).
    """
    from datetime import timedelta

    from django.utils import timezone

    from livingwell.hub.models import Closure
    from livingwell.insight.models import ClosureFeedback

    closures = (
        Closure.objects.filter(introduction__in=introductions)
        .filter(feedback__isnull=True)
        .order_by("closed_at")
        .values_list("pk", "introduction_id", "closed_at", "closed_by_id", "reason")
    )
    now = timezone.now()
    pending: list[ClosureFeedback] = []
    written = 0
    for closure_id, intro_id, closed_at, closed_by, reason in closures.iterator(chunk_size=batch):
        if reason in ("not_reached", "moved_away") or rng.random() >= share / 0.85:
            continue  # people who could not be reached give no feedback
        helpfulness = rng.choices(range(1, 6), weights=HELPFULNESS_WEIGHTS)[0]
        options, weights = zip(*LISTENED_BY_HELPFULNESS[helpfulness], strict=True)
        listened = rng.choices(options, weights=weights)[0]
        text, shared = "", False
        if rng.random() < 0.35:
            tone = "good" if helpfulness >= 4 else ("mixed" if helpfulness == 3 else "poor")
            text = rng.choice(COMMENTS[tone])
            shared = rng.random() < 0.7
        pending.append(
            ClosureFeedback(
                introduction_id=intro_id,
                closure_id=closure_id,
                answered_at=min(now, closed_at + timedelta(minutes=rng.randint(0, 60 * 24 * 7))),
                recorded_by_id=closed_by,
                helpfulness=helpfulness,
                felt_listened_to=listened,
                free_text=text,
                comment_may_be_shared=shared,
            )
        )
        if len(pending) >= batch:
            ClosureFeedback.objects.bulk_create(pending)
            written += len(pending)
            pending = []
    if pending:
        ClosureFeedback.objects.bulk_create(pending)
        written += len(pending)
    return written
