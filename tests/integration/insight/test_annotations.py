"""Process changes and targets: the page, its validation and access, and their effect on charts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from tests.factories import login
from tests.insight_support import at, converse, introduce

from livingwell.access.models import AuditEvent
from livingwell.insight import actions
from livingwell.insight.models import ChartAnnotation

pytestmark = pytest.mark.django_db

URL = "insight:annotations"
# Four weeks: Monday 5 January to Sunday 1 February 2026.
FOUR_WEEKS = {"from": "2026-01-05", "to": "2026-02-01"}


def _post(client, **overrides):
    data = {
        "chart": "wait",
        "kind": "target",
        "effective_date": "2026-01-01",
        "target_value": "5",
        "note": "Seen within five days",
    }
    data.update(overrides)
    return client.post(reverse(URL), data)


def test_not_signed_in_goes_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    response = _post(client)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert not ChartAnnotation.objects.exists()


def test_partner_worker_is_refused(client, personas):
    login(client, personas.partner_worker)
    assert client.get(reverse(URL)).status_code == 403
    assert _post(client).status_code == 403
    assert not ChartAnnotation.objects.exists()


def test_analyst_sees_the_list_but_cannot_add(client, personas):
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="process_change",
        effective_date=date(2026, 1, 15),
        note="New Hub rota",
    )
    login(client, personas.analyst)
    html = client.get(reverse(URL)).content.decode()
    assert "New Hub rota" in html and "15 January 2026" in html
    assert 'id="annotations-read-only"' in html and '<form method="post" novalidate' not in html
    assert _post(client).status_code == 403
    assert ChartAnnotation.objects.count() == 1


def test_site_admin_adds_a_target_audited(client, personas):
    login(client, personas.site_admin)
    response = _post(client)
    assert response.status_code == 302 and response["Location"] == reverse(URL)
    a = ChartAnnotation.objects.get()
    assert (a.chart, a.kind, a.effective_date, str(a.target_value), a.note) == (
        "wait",
        "target",
        date(2026, 1, 1),
        "5.00",
        "Seen within five days",
    )
    assert a.created_by == personas.site_admin
    event = AuditEvent.objects.get(action="insight.annotation_add")
    assert event.category == "insight" and event.actor == personas.site_admin
    assert event.detail == {"chart": "wait", "kind": "target", "effective_date": "2026-01-01"}
    assert "Seen within five days" in client.get(reverse(URL)).content.decode()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"effective_date": "2026-02-30"}, "Enter a real date"),
        ({"effective_date": ""}, "Enter the date it takes effect"),
        ({"effective_date": "1899-01-01"}, "between 1 January 2000"),
        ({"note": "   "}, "Enter a note saying what changed"),
        ({"chart": "introductions"}, "cannot have a target"),
        ({"target_value": ""}, "Enter the target value"),
        ({"target_value": "soon"}, "Enter the target as a number"),
        ({"kind": "process_change"}, "A process change has no target value"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client, personas, overrides, message):
    login(client, personas.site_admin)
    response = _post(client, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "nhsuk-error-summary" in html
    assert "<title>Error: " in html
    if overrides.get("note") is None:
        assert 'value="Seen within five days"' in html  # what was typed is kept
    assert not ChartAnnotation.objects.exists()
    assert not AuditEvent.objects.filter(action="insight.annotation_add").exists()


def test_action_refuses_a_target_on_a_neutral_chart(personas):
    with pytest.raises(actions.AnnotationError, match="cannot have a target") as exc:
        actions.add_chart_annotation(
            by=personas.site_admin,
            chart="introductions",
            kind="target",
            effective_date=date(2026, 1, 1),
            target_value=10,
            note="Ten a week",
        )
    assert exc.value.field == "chart"
    assert not ChartAnnotation.objects.exists()


def test_dashboard_rebases_at_a_process_change_and_shows_target_assurance(client, personas):
    from livingwell.core.models import SiteConfig

    config = SiteConfig.current()
    config.suppression_threshold = 0  # four single introductions: show them for this reading
    config.save()
    # One introduction a week, each answered one day later: weekly median wait 1, 1, 1, 1.
    for day in (5, 12, 19, 26):
        intro = introduce(at(day, 9))
        converse(intro, personas.hub_worker, at(day, 9) + timedelta(days=1))
    # Thursday 15 January: the first week on or after it begins Monday 19 January (value 3).
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="process_change",
        effective_date=date(2026, 1, 15),
        note="New Hub rota",
    )
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="target",
        effective_date=date(2026, 1, 1),
        target_value=5,
        note="Seen within five days",
    )
    login(client, personas.analyst)
    html = client.get(reverse("insight:dashboard"), FOUR_WEEKS).content.decode()
    wait = html.split('id="chart-heading-wait"', 1)[1].split("</section>", 1)[0]
    svg = wait.split("lw-chart-frame", 1)[1].split("</svg>", 1)[0]
    assert "New Hub rota" in svg and 'class="lw-rebase"' in svg
    assert "Target 5" in svg and "lw-target" in svg
    # Latest segment: 1, 1 -> limits on the mean (1); a target of 5 days above the upper limit,
    # lower is better: the process can be relied on to meet it.
    assert "Target consistently met" in wait
    assert "The limits were recalculated from value 3 (New Hub rota)" in wait
    assert "Process change: New Hub rota" in wait and "Target: Seen within five days" in wait
    # The neutral introductions chart has neither.
    intros = html.split('id="chart-heading-introductions"', 1)[1].split("</section>", 1)[0]
    assert "New Hub rota" not in intros and "Target consistently" not in intros


def test_board_report_uses_process_changes_and_targets(client, personas):
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="introductions",
        kind="process_change",
        effective_date=date(2026, 1, 12),
        note="Self-referral leaflet <launched>",
    )
    login(client, personas.analyst)
    response = client.get(
        reverse("insight:board_report"), {"from": "2026-01-05", "to": "2026-01-25"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
