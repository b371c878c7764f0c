"""The network dashboard's figures "as at" a time: computed once, stored, served until stale.

Computing the dashboard reads every introduction of the period and a year of contacts, which takes
seconds on a large borough. The computed body (headlines and SPC charts, already suppressed and
rounded) is the same for every viewer, so it is stored in :class:`DashboardSnapshot` under a key
that is a hash of everything it depends on and served until it is older than the site's
``insight_refresh_minutes``. Changing any input (filters, disclosure settings, SPC run length, a
measure's direction, any process change or target, the language, this module's version) makes a
new key, so a stale combination is never served. See docs/adr/0008-dashboard-snapshots.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from livingwell.insight import metrics
from livingwell.insight.dashboard import HEADLINES, weekly_charts
from livingwell.insight.lenses import tables_for
from livingwell.insight.models import CHART_IMPROVEMENT, ChartAnnotation, DashboardSnapshot

logger = logging.getLogger(__name__)

# Bump when the body template or the way a figure is computed changes, so stored bodies made by
# an older release are not served after a deploy.
BODY_VERSION = "1"

# Stored bodies older than this are deleted by ``livingwell insight refresh``.
KEEP_DAYS = 3


def annotations_version() -> str:
    """A hash of every process change and target as stored now (one small query).

    Every column is included, so adding, editing or withdrawing an annotation changes it, whatever
    columns the annotation model has.
    """
    fields = [f.attname for f in ChartAnnotation._meta.concrete_fields]
    rows = ChartAnnotation.objects.order_by("pk").values_list(*fields)
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


def normalised_filters(filters: metrics.Filters) -> dict[str, str]:
    return {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "team": str(filters.team_id or ""),
        "tier": str(filters.tier or ""),
        "organisation": str(filters.organisation_id or ""),
    }


def snapshot_key(filters: metrics.Filters, site, annotations: str | None = None) -> str:
    """The hash of every input the dashboard body depends on."""
    inputs = {
        "version": BODY_VERSION,
        "filters": normalised_filters(filters),
        "suppression_threshold": site.suppression_threshold,
        "suppression_rounding": site.suppression_rounding,
        "spc_run_length": site.spc_run_length,
        "improvement": CHART_IMPROVEMENT,
        "annotations": annotations if annotations is not None else annotations_version(),
        "language": translation.get_language() or "",
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def render_body(filters: metrics.Filters, site, now: datetime | None = None) -> str:
    """Compute the dashboard's headlines and charts and render them (no request: nothing in the
    body can depend on who is looking)."""
    disclosure = metrics.Disclosure(site.suppression_threshold, site.suppression_rounding)
    data = metrics.Dataset(filters, now=now)
    tables = {key: tables_for(key, data)[0] for key in {k for k, *_r in HEADLINES}}
    headlines = [
        {
            "key": key,
            "label": label,
            "value": disclosure.cell(tables[key].columns[col], tables[key].rows[row][col]),
        }
        for key, row, col, label in HEADLINES
    ]
    return render_to_string(
        "insight/_dashboard_body.html",
        {
            "qs": urlencode(filters.as_query()),
            "charts": weekly_charts(data, disclosure, site.spc_run_length),
            "headlines": headlines,
        },
    )


def compute(filters: metrics.Filters, site, *, key: str | None = None) -> DashboardSnapshot:
    """Compute the body now and store it under its key (replacing an older one).

    Two requests computing the same key at once both succeed: the later write wins. If the
    store fails (e.g. the database is busy), the computed body is still returned, unsaved.
    """
    key = key or snapshot_key(filters, site)
    now = timezone.now()
    started = time.perf_counter()
    body = render_body(filters, site, now=now)
    elapsed = round((time.perf_counter() - started) * 1000)
    values = {
        "filters": normalised_filters(filters),
        "computed_at": now,
        "body_html": body,
        "compute_ms": elapsed,
    }
    try:
        with transaction.atomic():
            snapshot, _created = DashboardSnapshot.objects.update_or_create(
                key=key, defaults=values
            )
    except DatabaseError:
        logger.warning("Could not store a dashboard snapshot; serving it unsaved.", exc_info=True)
        snapshot = DashboardSnapshot(key=key, **values)
    return snapshot


def is_fresh(snapshot: DashboardSnapshot, site, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return snapshot.computed_at > now - timedelta(minutes=site.insight_refresh_minutes)


def current(filters: metrics.Filters, site) -> DashboardSnapshot:
    """The stored body if it is fresh enough, else a newly computed (and stored) one."""
    key = snapshot_key(filters, site)
    snapshot = DashboardSnapshot.objects.filter(key=key).first()
    if snapshot is not None and is_fresh(snapshot, site):
        return snapshot
    return compute(filters, site, key=key)


def body_of(snapshot: DashboardSnapshot):
    # Rendered by Django's autoescaping templates from our own template (render_body).
    return mark_safe(snapshot.body_html)  # noqa: S308


@dataclass(frozen=True)
class StandardView:
    label: str
    filters: metrics.Filters


def standard_views(today: date | None = None) -> list[StandardView]:
    """The views a scheduled refresh keeps ready: the default period with no filter, and for
    each active team, organisation and tier."""
    from livingwell.accounts.models import Organisation, Team
    from livingwell.hub.models import Tier

    base = metrics.Filters.default(today)
    views = [StandardView("all", base)]
    for team_id, name in Team.objects.filter(is_active=True).values_list("pk", "name"):
        views.append(StandardView(f"team {name}", _with(base, team_id=team_id)))
    for org_id, name in Organisation.objects.filter(is_active=True).values_list("pk", "name"):
        views.append(StandardView(f"organisation {name}", _with(base, organisation_id=org_id)))
    for tier_id in Tier.objects.filter(is_active=True).values_list("pk", flat=True):
        views.append(StandardView(f"tier {tier_id}", _with(base, tier=tier_id)))
    return views


def _with(base: metrics.Filters, **changes) -> metrics.Filters:
    from dataclasses import replace

    return replace(base, **changes)


def prune(now: datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
    """Delete stored bodies computed more than ``keep_days`` ago; returns how many."""
    now = now or timezone.now()
    deleted, _by_model = DashboardSnapshot.objects.filter(
        computed_at__lt=now - timedelta(days=keep_days)
    ).delete()
    return deleted
