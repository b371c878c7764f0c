"""The dashboard served from stored figures: same figures, no HTML stored, annotations and run
length applied per request, invalidation, freshness, refresh."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from tests.factories import login
from tests.insight_support import PERIOD, at, build, introduce

from livingwell.access.models import AuditEvent
from livingwell.core.models import SiteConfig
from livingwell.insight import actions, snapshots
from livingwell.insight.dashboard import HEADLINES
from livingwell.insight.models import DashboardSnapshot

pytestmark = pytest.mark.django_db

URL = reverse("insight:dashboard")
PERIOD_QUERY = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}


def _body(html: str) -> str:
    """The computed part of the page (headlines and charts)."""
    return html.split("<h2>Headline figures</h2>", 1)[1].split("<h2>Every lens</h2>", 1)[0]


def _get(client, **query) -> str:
    response = client.get(URL, query or PERIOD_QUERY)
    assert response.status_code == 200
    return response.content.decode()


def test_snapshot_served_equals_a_fresh_computation_and_says_as_at(client, personas):
    build(personas)
    login(client, personas.analyst)
    first = _get(client)
    assert DashboardSnapshot.objects.count() == 1
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.filters["start"] == "2026-01-05" and snapshot.filters["end"] == "2026-01-18"

    second = _get(client)
    assert DashboardSnapshot.objects.get().computed_at == snapshot.computed_at  # served, not redone
    assert _body(second) == _body(first)
    # The stored figures are exactly what a fresh computation at the same time makes.
    fresh = snapshots.compute_figures(PERIOD, SiteConfig.current(), now=snapshot.computed_at)
    assert fresh == snapshot.figures
    assert [h["value"] for h in fresh["headlines"]] == re.findall(
        r'data-headline="[a-z]+">([^<]*)<', second
    )

    local = timezone.localtime(snapshot.computed_at)
    stamp = f"{local:%H:%M} on {local.day} {local:%B %Y}"
    assert f"Figures as at {stamp}; recalculated every 60 minutes." in second


def test_stored_row_holds_figures_not_html(client, personas):
    build(personas)
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="process_change",
        effective_date=date(2026, 1, 12),
        note="New Hub rota",
    )
    login(client, personas.analyst)
    _get(client)
    fields = {f.name for f in DashboardSnapshot._meta.get_fields()}
    assert "body_html" not in fields
    row = DashboardSnapshot.objects.values().get()
    stored = json.dumps(row, default=str)
    # Data only: no markup, no typed annotation text, nothing of the viewer.
    assert "<" not in stored and ">" not in stored
    assert "New Hub rota" not in stored
    assert "csrf" not in stored.lower()
    for user in (personas.analyst, personas.hub_worker, personas.site_admin):
        assert user.username not in stored
    figures = row["figures"]
    assert set(figures) == {"version", "headlines", "week_starts", "series"}
    assert figures["week_starts"] == ["2026-01-05", "2026-01-12"]
    assert set(figures["series"]) == {"introductions", "wait"}
    assert all(len(v) == 2 for v in figures["series"].values())
    assert [h["id"] for h in figures["headlines"]] == [h.id for h in HEADLINES]
    # Another viewer is served the same stored figures.
    client.logout()
    login(client, personas.hub_worker)
    assert "Process change: New Hub rota" in _get(client)
    assert DashboardSnapshot.objects.count() == 1


def test_annotation_notes_typed_with_html_are_escaped_on_the_served_dashboard(client, personas):
    site = SiteConfig.current()
    site.suppression_threshold, site.suppression_rounding = 0, 1  # every week drawn
    site.save()
    build(personas)
    login(client, personas.analyst)
    _get(client)  # the figures are stored before the notes are typed
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="process_change",
        effective_date=date(2026, 1, 12),
        note='<script>alert("rota")</script><b>New rota</b>',
    )
    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="target",
        effective_date=date(2026, 1, 1),
        target_value=3,
        note="<img src=x onerror=alert(1)>",
    )
    html = _get(client)
    assert DashboardSnapshot.objects.count() == 1  # served from the stored figures
    assert "<script>alert" not in html and "<b>New rota" not in html and "<img src=x" not in html
    wait = html.split('id="chart-heading-wait"', 1)[1].split("</section>", 1)[0]
    notes = wait.split("lw-chart-annotations", 1)[1].split("</ul>", 1)[0]
    assert "Process change: &lt;script&gt;alert(&quot;rota&quot;)&lt;/script&gt;" in notes
    assert "Target: &lt;img src=x onerror=alert(1)&gt;" in notes
    svg = wait.split("lw-chart-frame", 1)[1].split("</svg>", 1)[0]
    assert "&lt;script&gt;" in svg and "<script" not in svg


def test_annotations_apply_at_once_to_the_stored_figures(client, personas):
    build(personas)
    login(client, personas.analyst)
    _get(client)
    stored = DashboardSnapshot.objects.get()
    change = actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="process_change",
        effective_date=date(2026, 1, 12),
        note="New Hub rota",
    )
    assert "Process change: New Hub rota" in _get(client)
    target = actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="target",
        effective_date=date(2026, 1, 1),
        target_value=3,
        note="Three days",
    )
    assert "Target: Three days" in _get(client)
    actions.edit_chart_annotation(
        by=personas.site_admin,
        annotation=change,
        effective_date=change.effective_date,
        note="Newer Hub rota",
        reason="Named properly",
    )
    html = _get(client)
    assert "Process change: Newer Hub rota" in html and "Process change: New Hub rota" not in html
    actions.withdraw_chart_annotation(by=personas.site_admin, annotation=target, reason="Gone")
    assert "Target: Three days" not in _get(client)
    # Every one of those pages was built from the one row stored before the first note.
    assert DashboardSnapshot.objects.get().computed_at == stored.computed_at


def test_run_length_applies_at_once_to_the_stored_figures(client, personas):
    build(personas)
    login(client, personas.analyst)
    _get(client)
    stored = DashboardSnapshot.objects.get()
    site = SiteConfig.current()
    site.spc_run_length = 6
    site.save()
    _get(client)
    assert DashboardSnapshot.objects.get().computed_at == stored.computed_at
    assert snapshots.snapshot_key(PERIOD, site) == stored.key


def test_a_row_without_current_figures_is_recomputed(client, personas):
    """A row stored before figures were (empty after the migration) or by another release."""
    build(personas)
    site = SiteConfig.current()
    key = snapshots.snapshot_key(PERIOD, site)
    old = timezone.now() - timedelta(minutes=1)
    DashboardSnapshot.objects.create(key=key, computed_at=old, figures={})
    login(client, personas.analyst)
    assert _get(client).count("data-headline") == len(HEADLINES)
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.computed_at > old and snapshot.figures["version"] == snapshots.FIGURES_VERSION


def test_stored_figures_are_as_at_until_stale_then_recomputed(client, personas):
    build(personas)
    login(client, personas.analyst)
    _get(client)
    before = DashboardSnapshot.objects.get()
    # A new introduction in the period is not shown while the stored figures are fresh...
    for hour in range(8):
        introduce(at(15, 9 + hour))
    assert _get(client).count("data-headline") == 7
    assert DashboardSnapshot.objects.get().computed_at == before.computed_at
    # ... and is once they are older than the site's refresh interval.
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=61))
    _get(client)
    after = DashboardSnapshot.objects.get()
    assert after.computed_at > before.computed_at
    assert after.figures != before.figures


def test_refresh_interval_is_the_site_setting(client, personas):
    site = SiteConfig.current()
    site.insight_refresh_minutes = 5
    site.save()
    login(client, personas.analyst)
    assert "recalculated every 5 minutes" in _get(client)
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=4))
    kept = DashboardSnapshot.objects.get().computed_at
    _get(client)
    assert DashboardSnapshot.objects.get().computed_at == kept
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=6))
    _get(client)
    assert DashboardSnapshot.objects.get().computed_at > kept


def test_changing_suppression_settings_makes_a_new_key_and_applies_exactly(client, personas):
    build(personas)
    login(client, personas.analyst)
    html = _get(client)
    # Small numbers are suppressed in the stored body exactly as on a live page.
    assert 'data-headline="urgent">*<' in html and 'data-headline="bounced">0<' in html
    first_key = DashboardSnapshot.objects.get().key
    site = SiteConfig.current()
    site.suppression_threshold = 0
    site.suppression_rounding = 1
    site.save()
    html = _get(client)
    assert DashboardSnapshot.objects.count() == 2
    assert DashboardSnapshot.objects.exclude(key=first_key).exists()
    assert 'data-headline="urgent">*<' not in html
    assert re.search(r'data-headline="urgent">\d+ of \d+', html) or re.search(
        r'data-headline="urgent">\d+%', html
    )
    # Back to the old settings: the old key (and its stored body) is served again.
    site.suppression_threshold = 7
    site.suppression_rounding = 5
    site.save()
    assert 'data-headline="urgent">*<' in _get(client)
    assert DashboardSnapshot.objects.count() == 2


def test_filters_and_disclosure_are_the_key(personas):
    from dataclasses import replace

    site = SiteConfig.current()
    key = snapshots.snapshot_key(PERIOD, site)
    assert snapshots.snapshot_key(replace(PERIOD, tier="focused"), site) != key
    assert snapshots.snapshot_key(replace(PERIOD, end=date(2026, 1, 25)), site) != key
    site.suppression_rounding = 10
    assert snapshots.snapshot_key(PERIOD, site) != key
    site.suppression_rounding = 5
    assert snapshots.snapshot_key(PERIOD, site) == key
    # Applied to the stored figures per request, so not part of what is stored.
    site.spc_run_length = 6
    assert snapshots.snapshot_key(PERIOD, site) == key


def test_computing_the_same_key_twice_keeps_one_row(personas):
    site = SiteConfig.current()
    first = snapshots.compute(PERIOD, site)
    second = snapshots.compute(PERIOD, site)
    assert DashboardSnapshot.objects.count() == 1
    assert second.computed_at >= first.computed_at and second.key == first.key


def test_recalculate_now_refused_politely_for_care_staff(client, personas):
    login(client, personas.hub_worker)
    html = _get(client)
    assert "Recalculate now" not in html
    stored = DashboardSnapshot.objects.get().computed_at
    response = client.post(f"{URL}?from=2026-01-05&to=2026-01-18", follow=True)
    assert response.status_code == 200
    assert "Only analysts and site administrators can recalculate" in response.content.decode()
    assert not AuditEvent.objects.filter(action="insight.dashboard_recalculate").exists()
    assert DashboardSnapshot.objects.filter(computed_at__gt=stored).count() == 0


def test_recalculate_now_for_analyst_and_site_admin_is_audited(client, personas):
    build(personas)
    for user in (personas.analyst, personas.site_admin):
        client.logout()
        login(client, user)
        assert "Recalculate now" in _get(client)
        DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=10))
        response = client.post(f"{URL}?from=2026-01-05&to=2026-01-18")
        assert response.status_code == 302
        assert response["Location"] == f"{URL}?from=2026-01-05&to=2026-01-18"
        snapshot = DashboardSnapshot.objects.get()
        assert snapshot.computed_at > timezone.now() - timedelta(minutes=1)
        event = AuditEvent.objects.filter(action="insight.dashboard_recalculate", actor=user).get()
        assert event.detail["start"] == "2026-01-05" and "compute_ms" in event.detail
        assert (
            "The figures have been recalculated."
            in client.get(response["Location"]).content.decode()
        )


def test_recalculate_action_refuses_without_permission(personas):
    with pytest.raises(actions.RecalculateError):
        actions.recalculate_dashboard(
            by=personas.key_worker, filters=PERIOD, site=SiteConfig.current()
        )
    assert not DashboardSnapshot.objects.exists()


def test_recalculate_needs_sign_in(client):
    response = client.post(URL)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert not DashboardSnapshot.objects.exists()


def test_refresh_command_computes_the_standard_views_and_prunes_old_rows(personas):
    from livingwell.accounts.models import Organisation, Team
    from livingwell.hub.models import Tier

    old = DashboardSnapshot.objects.create(
        key="old", computed_at=timezone.now() - timedelta(days=4), figures={}
    )
    recent = DashboardSnapshot.objects.create(
        key="recent", computed_at=timezone.now() - timedelta(days=1), figures={}
    )
    call_command("insight", "refresh")
    expected = (
        1
        + Team.objects.filter(is_active=True).count()
        + Organisation.objects.filter(is_active=True).count()
        + Tier.objects.filter(is_active=True).count()
    )
    assert expected > 4
    assert not DashboardSnapshot.objects.filter(pk=old.pk).exists()
    assert DashboardSnapshot.objects.filter(pk=recent.pk).exists()
    computed = DashboardSnapshot.objects.exclude(pk=recent.pk)
    assert computed.count() == expected
    site = SiteConfig.current()
    keys = {snapshots.snapshot_key(v.filters, site) for v in snapshots.standard_views()}
    assert set(computed.values_list("key", flat=True)) == keys


def test_page_after_refresh_command_is_served_without_computing(client, personas):
    call_command("insight", "refresh")
    stored = DashboardSnapshot.objects.count()
    login(client, personas.analyst)
    # The default period with no filter: one of the standard views.
    assert client.get(URL).status_code == 200
    assert DashboardSnapshot.objects.count() == stored


def _served_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, PERIOD_QUERY).status_code == 200
    return len(ctx.captured_queries)


def test_serving_a_snapshot_takes_a_fixed_small_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    SiteConfig.current()
    login(client, personas.analyst)
    client.get(URL, PERIOD_QUERY)  # computes and stores
    small = _served_queries(client)
    build(personas)
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=61))
    client.get(URL, PERIOD_QUERY)  # recomputes with more data
    large = _served_queries(client)
    assert small == large
    # Session, user and MFA checks, site settings, the filter form's three lists, the process
    # changes and targets in force and the stored snapshot: no query reads introductions or
    # contacts.
    with django_assert_max_num_queries(14) as ctx:
        client.get(URL, PERIOD_QUERY)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "core_siteconfig" in sql  # every statement is logged with its text, pipelined too
    assert "intake_introduction" not in sql and "hub_contact" not in sql
