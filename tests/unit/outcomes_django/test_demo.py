"""The seed hook writes histories that score exactly and look like a real site."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from random import Random

import pytest
from django.utils import timezone
from tests.outcomes_support import in_support

from livingwell.hub.actions import close
from livingwell.outcomes import change, score
from livingwell.outcomes.demo import build_measure_histories
from livingwell.outcomes.models import MeasureResponse, ResponseLink

pytestmark = pytest.mark.django_db


def test_histories_score_exactly_and_follow_the_schedule(personas):
    worker = personas.hub_worker
    long_stay = in_support(worker, days_ago=400, goals=["Sleep better", "See friends weekly"])
    closed = in_support(worker, days_ago=200)
    close(
        by=worker, introduction=closed, reason="supported", at=timezone.now() - timedelta(days=20)
    )
    closed.refresh_from_db()
    new = in_support(worker, days_ago=5)
    now = timezone.now()

    created = build_measure_histories(Random(7), [long_stay, closed, new], now)
    stored = list(MeasureResponse.objects.all())
    assert len(stored) == len(created) > 0
    for response in stored:
        result = score(response.measure, response.answers)
        assert response.total == result.total
        assert response.subscales == result.subscales
        assert response.metric == result.metric
        assert response.completed_at <= timezone.localdate(now)
        assert response.recorded_at <= now
        if response.source == "self_link":
            assert response.link is not None and response.recorded_by is None
        else:
            assert response.recorded_by == worker

    dialog = [r for r in stored if r.introduction == long_stay and r.measure == "dialog"]
    dialog.sort(key=lambda r: r.completed_at)
    assert dialog[0].occasion == "baseline"
    assert dialog[0].completed_at == timezone.localdate(long_stay.first_conversation_at)
    # 400 days in support: reviews about every 12 weeks (77 to 94 days apart).
    gaps = [
        (b.completed_at - a.completed_at).days for a, b in zip(dialog, dialog[1:], strict=False)
    ]
    assert len(gaps) == 4 and all(77 <= g <= 94 for g in gaps)
    gbo = [r for r in stored if r.introduction == long_stay and r.measure == "gbo"]
    keys = {g["key"] for g in long_stay.plan_versions.get().goals}
    assert gbo and all(set(r.goal_keys.values()) == keys for r in gbo)

    closure = [r for r in stored if r.introduction == closed and r.occasion == "closure"]
    assert closure and all(r.completed_at == timezone.localdate(closed.closed_at) for r in closure)
    assert {r.occasion for r in stored if r.introduction == new} == {"baseline"}
    assert ResponseLink.objects.filter(used_at__isnull=True).count() == 0


def test_most_improve_some_do_not(personas):
    worker = personas.hub_worker
    intros = [in_support(worker, days_ago=300) for _ in range(24)]
    build_measure_histories(Random(3), intros, timezone.now())
    categories = Counter()
    for intro in intros:
        reqol = list(
            MeasureResponse.objects.filter(introduction=intro, measure="reqol10").order_by(
                "completed_at"
            )
        )
        categories[change("reqol10", reqol[0].answers, reqol[-1].answers).category] += 1
    assert categories["reliable_improvement"] > len(intros) / 2
    assert categories["no_reliable_change"] + categories["reliable_deterioration"] >= 3


def test_same_seed_same_history(personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=200)
    now = timezone.now()
    first = [(r.measure, r.answers) for r in build_measure_histories(Random(11), [intro], now)]
    MeasureResponse.objects.all().delete()
    ResponseLink.objects.all().delete()
    again = [(r.measure, r.answers) for r in build_measure_histories(Random(11), [intro], now)]
    assert first == again
