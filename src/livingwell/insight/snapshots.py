"""The network dashboard's figures "as at" a time: computed once, stored, served until stale.

Computing the dashboard reads every introduction of the period and a year of contacts, which takes
seconds on a large borough. What that computation yields is plain data, the same for every
viewer: each headline's figure after disclosure control and each chart's weekly values (hidden
weeks as gaps). That data, and never HTML, is stored in :class:`DashboardSnapshot` under a key
that is a hash of everything it depends on (filters and period, disclosure settings, this module's
version) and served until it is older than the site's ``insight_refresh_minutes``. Each request
builds the page from it: the process changes and targets in force, the SPC reading with the
site's run length, the charts and the labels in the viewer's language, rendered by Django's
autoescaping templates. See docs/adr/0008-dashboard-snapshots.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from livingwell.insight import metrics
from livingwell.insight.dashboard import (
    charts_from_series,
    headline_figures,
    headlines_from_figures,
    weekly_series,
)
from livingwell.insight.models import DashboardSnapshot

logger = logging.getLogger(__name__)

# Bump when the shape of the stored figures or the way one is computed changes, so figures
# stored by an older release are not served after a deploy (the version is in the key and in
# the figures: a row of another version is recomputed).
FIGURES_VERSION = "2"

# Stored figures older than this are deleted by ``livingwell insight refresh``.
KEEP_DAYS = 3


def normalised_filters(filters: metrics.Filters) -> dict[str, str]:
    return {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "team": str(filters.team_id or ""),
        "tier": str(filters.tier or ""),
        "organisation": str(filters.organisation_id or ""),
    }


def snapshot_key(filters: metrics.Filters, site) -> str:
    """The hash of every input the stored figures depend on.

    Not the process changes and targets, the SPC run length, the measures' directions or the
    language: those are applied to the stored figures in each request.
    """
    inputs = {
        "version": FIGURES_VERSION,
        "filters": normalised_filters(filters),
        "suppression_threshold": site.suppression_threshold,
        "suppression_rounding": site.suppression_rounding,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def compute_figures(filters: metrics.Filters, site, now: datetime | None = None) -> dict:
    """The dashboard's headlines and weekly values as plain, JSON-ready data (the slow part)."""
    disclosure = metrics.Disclosure(site.suppression_threshold, site.suppression_rounding)
    data = metrics.Dataset(filters, now=now)
    return {
        "version": FIGURES_VERSION,
        "headlines": headline_figures(data, disclosure),
        **weekly_series(data, disclosure),
    }


def compute(filters: metrics.Filters, site, *, key: str | None = None) -> DashboardSnapshot:
    """Compute the figures now and store them under their key (replacing older ones).

    Two requests computing the same key at once both succeed: the later write wins. If the
    store fails (e.g. the database is busy), the computed figures are still returned, unsaved.
    """
    key = key or snapshot_key(filters, site)
    now = timezone.now()
    started = time.perf_counter()
    figures = compute_figures(filters, site, now=now)
    elapsed = round((time.perf_counter() - started) * 1000)
    values = {
        "filters": normalised_filters(filters),
        "computed_at": now,
        "figures": figures,
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
    """Young enough, and figures of this release (a row emptied by the migration is not)."""
    now = now or timezone.now()
    return snapshot.figures.get(
        "version"
    ) == FIGURES_VERSION and snapshot.computed_at > now - timedelta(
        minutes=site.insight_refresh_minutes
    )


def current(filters: metrics.Filters, site) -> DashboardSnapshot:
    """The stored figures if they are fresh enough, else newly computed (and stored) ones."""
    key = snapshot_key(filters, site)
    snapshot = DashboardSnapshot.objects.filter(key=key).first()
    if snapshot is not None and is_fresh(snapshot, site):
        return snapshot
    return compute(filters, site, key=key)


def page_parts(snapshot: DashboardSnapshot, filters: metrics.Filters, site) -> dict:
    """The headlines and charts to render in this request from the stored figures.

    The process changes and targets are read now, so one added, edited or withdrawn shows at
    once; their notes reach the page only through the autoescaping templates (the chart is
    drawn by ``insight/_xmr_chart.html``). Only numbers are stored: no markup.
    """
    figures = snapshot.figures
    return {
        "headlines": headlines_from_figures(figures["headlines"]),
        "charts": charts_from_series(figures, filters.end, site.spc_run_length),
    }


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
    """Delete stored figures computed more than ``keep_days`` ago; returns how many."""
    now = now or timezone.now()
    deleted, _by_model = DashboardSnapshot.objects.filter(
        computed_at__lt=now - timedelta(days=keep_days)
    ).delete()
    return deleted
