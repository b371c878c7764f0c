"""Process changes and targets are edited and withdrawn: access, audit, history, validation and
the effect on the dashboard charts' SPC reading.

Chart scenario (suppression off): four weeks from Monday 5 January 2026, one introduction a week
answered after 1, 1, 3 and 3 days, so the weekly median waits are 1, 1, 3, 3. A process change on
Thursday 15 January starts new limits at the week of 19 January (index 2): means 1 and 3. Without
it, one segment: mean 2.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from tests.factories import login
from tests.insight_support import at, converse, introduce

from livingwell.access.models import AuditEvent
from livingwell.insight import actions, metrics
from livingwell.insight.dashboard import weekly_charts
from livingwell.insight.models import ChartAnnotation, ChartAnnotationEdit

pytestmark = pytest.mark.django_db

FOUR_WEEKS = metrics.Filters(start=date(2026, 1, 5), end=date(2026, 2, 1))
OPEN = metrics.Disclosure(threshold=0, rounding=1)


def _target(personas, value=5, note="Seen within five days"):
    return actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="target",
        effective_date=date(2026, 1, 1),
        target_value=value,
        note=note,
    )


def _change(personas, note="New Hub rota"):
    return actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="process_change",
        effective_date=date(2026, 1, 15),
        note=note,
    )


def _edit_url(a):
    return reverse("insight:annotation_edit", args=[a.pk])


def _withdraw_url(a):
    return reverse("insight:annotation_withdraw", args=[a.pk])


def _wait_chart(personas, waits=(1, 1, 3, 3)):
    for day, wait in zip((5, 12, 19, 26), waits, strict=True):
        intro = introduce(at(day, 9))
        converse(intro, personas.hub_worker, at(day, 9) + timedelta(days=wait))
    return lambda: weekly_charts(metrics.Dataset(FOUR_WEEKS), OPEN, 7)[1]


# ---- access ---------------------------------------------------------------------------------


def test_not_signed_in_goes_to_sign_in(client, personas):
    a = _target(personas)
    for url in (_edit_url(a), _withdraw_url(a)):
        response = client.post(url, {"reason": "x"})
        assert response.status_code == 302 and "sign-in" in response["Location"]
    a.refresh_from_db()
    assert a.withdrawn_at is None and not ChartAnnotationEdit.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "partner_worker", "hub_worker"])
def test_only_site_administrators_may_edit_or_withdraw(client, personas, who):
    a = _target(personas)
    login(client, getattr(personas, who))
    assert client.get(_edit_url(a)).status_code == 403
    assert client.get(_withdraw_url(a)).status_code == 403
    edit = {"effective_date": "2026-01-01", "target_value": "3", "note": "x", "reason": "y"}
    assert client.post(_edit_url(a), edit).status_code == 403
    assert client.post(_withdraw_url(a), {"reason": "y"}).status_code == 403
    a.refresh_from_db()
    assert a.target_value == Decimal("5.00") and a.withdrawn_at is None
    assert not AuditEvent.objects.filter(
        action__in=["insight.annotation_edit", "insight.annotation_withdraw"]
    ).exists()


def test_analyst_sees_no_change_links(client, personas):
    _target(personas)
    login(client, personas.analyst)
    html = client.get(reverse("insight:annotations")).content.decode()
    assert "Seen within five days" in html and "/change/" not in html and "/withdraw/" not in html


def test_actions_refuse_a_user_without_the_permission(personas):
    from django.core.exceptions import PermissionDenied

    a = _target(personas)
    with pytest.raises(PermissionDenied):
        actions.withdraw_chart_annotation(by=personas.analyst, annotation=a, reason="No")
    with pytest.raises(PermissionDenied):
        actions.edit_chart_annotation(
            by=personas.analyst,
            annotation=a,
            effective_date=a.effective_date,
            note="Other",
            reason="No",
            target_value="4",
        )
    a.refresh_from_db()
    assert a.withdrawn_at is None and a.note == "Seen within five days"


def test_unknown_annotation_is_not_found(client, personas):
    login(client, personas.site_admin)
    url = reverse("insight:annotation_edit", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


# ---- edit -----------------------------------------------------------------------------------


def test_site_admin_edits_a_target_audited_with_history(client, personas):
    a = _target(personas)
    added_changed_at = a.changed_at
    login(client, personas.site_admin)
    page = client.get(_edit_url(a)).content.decode()
    assert 'value="5"' in page and 'value="Seen within five days"' in page  # current values
    response = client.post(
        _edit_url(a),
        {
            "effective_date": "2026-01-05",
            "target_value": "4",
            "note": "Seen within four days",
            "reason": "Board agreed a stretch target",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("insight:annotations")
    a.refresh_from_db()
    assert (a.effective_date, a.target_value, a.note) == (
        date(2026, 1, 5),
        Decimal("4.00"),
        "Seen within four days",
    )
    assert a.changed_at > added_changed_at and a.created_at < a.changed_at
    edit = ChartAnnotationEdit.objects.get()
    assert (edit.previous_effective_date, edit.previous_target_value, edit.previous_note) == (
        date(2026, 1, 1),
        Decimal("5.00"),
        "Seen within five days",
    )
    assert edit.edited_by == personas.site_admin and edit.reason == "Board agreed a stretch target"
    event = AuditEvent.objects.get(action="insight.annotation_edit")
    assert event.actor == personas.site_admin and event.category == "insight"
    assert event.detail == {
        "chart": "wait",
        "kind": "target",
        "effective_date": "2026-01-05",
        "changed": ["effective_date", "target_value", "note"],
    }
    assert "four days" not in str(event.detail) and "stretch" not in str(event.detail)
    html = client.get(reverse("insight:annotations")).content.decode()
    history = html.split('id="annotations-history"', 1)[1].split("</table>", 1)[0]
    assert "Board agreed a stretch target" in history
    assert "the target was 5" in history and "the note was “Seen within five days”" in history
    assert "it took effect from 1 January 2026" in history


def test_edit_of_a_target_changes_the_chart_assurance(personas):
    chart = _wait_chart(personas, waits=(1, 1, 1, 1))  # limits sit on the mean, 1 day
    a = _target(personas, value=5)
    before = chart()
    assert before["result"].assurance == "pass" and before["assurance_label"]
    actions.edit_chart_annotation(
        by=personas.site_admin,
        annotation=a,
        effective_date=a.effective_date,
        target_value="0.5",
        note="Seen within half a day",
        reason="Board raised the bar",
    )
    after = chart()
    # Lower is better: a target of 0.5 days below the lower limit (1) is never met.
    assert after["result"].assurance == "fail"
    assert after["target_note"] == "Seen within half a day"


def test_edit_of_a_process_change_date_moves_the_rebase(personas):
    chart = _wait_chart(personas)
    a = _change(personas)
    assert [p.segment for p in chart()["result"].points] == [0, 0, 1, 1]
    actions.edit_chart_annotation(
        by=personas.site_admin,
        annotation=a,
        effective_date=date(2026, 1, 12),
        note=a.note,
        reason="The rota started a week earlier than recorded",
    )
    assert [p.segment for p in chart()["result"].points] == [0, 1, 1, 1]
    assert ChartAnnotationEdit.objects.get().previous_target_value is None


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"reason": "  "}, "reason", "Enter the reason for the change"),
        ({"effective_date": "2026-02-30"}, "effective_date", "Enter a real date"),
        ({"effective_date": "1999-12-31"}, "effective_date", "between 1 January 2000"),
        ({"target_value": "soon"}, "target_value", "Enter the target as a number"),
        ({"target_value": ""}, "target_value", "Enter the target value"),
        ({"note": ""}, "note", "Enter a note saying what changed"),
        ({"reason": "r" * 201}, "reason", "at most 200 characters"),
    ],
)
def test_bad_edit_is_refused_beside_the_field_and_kept(client, personas, overrides, field, message):
    a = _target(personas)
    login(client, personas.site_admin)
    data = {
        "effective_date": "2026-01-05",
        "target_value": "4",
        "note": "Seen within four days",
        "reason": "Board agreed a stretch target",
    }
    data.update(overrides)
    response = client.post(_edit_url(a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html and "<title>Error: " in html
    assert f'href="#id_{field}"' in html  # the summary links to the field at fault
    assert message in html.split(f'id="id_{field}"', 1)[0].rsplit("nhsuk-form-group", 1)[1]
    if field != "note":
        assert 'value="Seen within four days"' in html  # what was typed is kept
    a.refresh_from_db()
    assert a.target_value == Decimal("5.00") and a.note == "Seen within five days"
    assert not ChartAnnotationEdit.objects.exists()
    assert not AuditEvent.objects.filter(action="insight.annotation_edit").exists()


def test_edit_that_changes_nothing_is_refused(client, personas):
    a = _target(personas)
    login(client, personas.site_admin)
    response = client.post(
        _edit_url(a),
        {
            "effective_date": "2026-01-01",
            "target_value": "5.0",
            "note": "Seen within five days",
            "reason": "Just checking",
        },
    )
    assert response.status_code == 200 and "Nothing has changed" in response.content.decode()
    assert not ChartAnnotationEdit.objects.exists()


def test_process_change_edit_form_has_no_target_field(client, personas):
    a = _change(personas)
    login(client, personas.site_admin)
    html = client.get(_edit_url(a)).content.decode()
    assert 'name="target_value"' not in html and 'value="New Hub rota"' in html


# ---- withdraw -------------------------------------------------------------------------------


def test_site_admin_withdraws_a_process_change_audited_and_kept(client, personas):
    a = _change(personas)
    added_changed_at = a.changed_at
    login(client, personas.site_admin)
    assert "Withdraw a process change or target" in client.get(_withdraw_url(a)).content.decode()
    response = client.post(_withdraw_url(a), {"reason": "Recorded on the wrong chart"})
    assert response.status_code == 302 and response["Location"] == reverse("insight:annotations")
    a.refresh_from_db()
    assert a.withdrawn_by == personas.site_admin and a.withdrawal_reason == (
        "Recorded on the wrong chart"
    )
    assert a.withdrawn_at is not None and a.changed_at == a.withdrawn_at > added_changed_at
    assert ChartAnnotation.objects.count() == 1  # kept, never deleted
    event = AuditEvent.objects.get(action="insight.annotation_withdraw")
    assert event.actor == personas.site_admin and event.category == "insight"
    assert event.detail == {
        "chart": "wait",
        "kind": "process_change",
        "effective_date": "2026-01-15",
    }
    html = client.get(reverse("insight:annotations")).content.decode()
    in_force = html.split('id="annotations"', 1)[1].split("</table>", 1)[0]
    assert "New Hub rota" not in in_force and "None in force." in in_force
    withdrawn = html.split('id="annotations-withdrawn"', 1)[1].split("</table>", 1)[0]
    assert "New Hub rota" in withdrawn and "Recorded on the wrong chart" in withdrawn
    assert "Withdrawn" in withdrawn
    history = html.split('id="annotations-history"', 1)[1].split("</table>", 1)[0]
    assert "Withdrawn: it no longer changes the chart." in history


def test_withdrawing_a_process_change_removes_the_rebase(personas):
    chart = _wait_chart(personas)
    a = _change(personas)
    before = chart()
    assert before["rebases"] == ["New Hub rota"]
    assert [p.mean for p in before["result"].points] == [1, 1, 3, 3]
    actions.withdraw_chart_annotation(by=personas.site_admin, annotation=a, reason="Never happened")
    after = chart()
    assert after["rebases"] == []
    assert [p.mean for p in after["result"].points] == [2, 2, 2, 2]
    assert "recalculated" not in after["summary"]


def test_withdrawing_a_target_removes_the_assurance(personas):
    chart = _wait_chart(personas, waits=(1, 1, 1, 1))
    a = _target(personas)
    assert chart()["result"].assurance == "pass"
    actions.withdraw_chart_annotation(by=personas.site_admin, annotation=a, reason="Superseded")
    after = chart()
    assert after["result"].assurance is None and after["target_note"] == ""


def test_withdraw_needs_a_reason(client, personas):
    a = _target(personas)
    login(client, personas.site_admin)
    response = client.post(_withdraw_url(a), {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "Enter the reason for withdrawing it" in html
    assert 'href="#id_reason"' in html
    a.refresh_from_db()
    assert a.withdrawn_at is None
    assert not AuditEvent.objects.filter(action="insight.annotation_withdraw").exists()


def test_a_withdrawn_annotation_cannot_be_changed_again(client, personas):
    a = _target(personas)
    actions.withdraw_chart_annotation(by=personas.site_admin, annotation=a, reason="Superseded")
    with pytest.raises(actions.AnnotationError, match="withdrawn"):
        actions.withdraw_chart_annotation(by=personas.site_admin, annotation=a, reason="Again")
    with pytest.raises(actions.AnnotationError, match="withdrawn"):
        actions.edit_chart_annotation(
            by=personas.site_admin,
            annotation=a,
            effective_date=a.effective_date,
            note="New",
            reason="Try",
            target_value="3",
        )
    login(client, personas.site_admin)
    for url in (_edit_url(a), _withdraw_url(a)):
        response = client.post(url, {"reason": "Again"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("insight:annotations")
        assert "has been withdrawn" in response.content.decode()
    assert AuditEvent.objects.filter(action="insight.annotation_withdraw").count() == 1


def test_edit_and_withdraw_show_at_once_on_the_dashboard_served_from_stored_figures(
    client, personas
):
    """The stored dashboard holds figures only: a changed process change is never served stale."""
    from livingwell.core.models import SiteConfig
    from livingwell.insight.models import DashboardSnapshot

    site = SiteConfig.current()
    site.suppression_threshold, site.suppression_rounding = 0, 1
    site.save()
    _wait_chart(personas)
    a = _change(personas)
    login(client, personas.analyst)
    query = {"from": FOUR_WEEKS.start.isoformat(), "to": FOUR_WEEKS.end.isoformat()}

    def wait_section() -> str:
        html = client.get(reverse("insight:dashboard"), query).content.decode()
        return html.split('id="chart-heading-wait"', 1)[1].split("</section>", 1)[0]

    assert "The limits were recalculated from value 3 (New Hub rota)" in wait_section()
    stored = DashboardSnapshot.objects.get()
    actions.edit_chart_annotation(
        by=personas.site_admin,
        annotation=a,
        effective_date=a.effective_date,
        note="Hub rota of four",
        reason="Named properly",
    )
    assert "The limits were recalculated from value 3 (Hub rota of four)" in wait_section()
    actions.withdraw_chart_annotation(by=personas.site_admin, annotation=a, reason="Superseded")
    assert "The limits were recalculated" not in wait_section()
    assert DashboardSnapshot.objects.get().computed_at == stored.computed_at
