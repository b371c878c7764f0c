"""The public impact page's content: the network's headline figures with their SPC reading in
words, from insight's stored dashboard figures (suppressed as insight suppresses them), and the
chosen stories whose public consent is in force at this request.

Nothing here is stored or cached: the figures come from insight's stored figures (plain data,
recalculated on a schedule by ``livingwell insight refresh``), and the stories are read under
the consent ledger at every request, so a withdrawal removes a story at the next one.
"""

from __future__ import annotations

from django.db.models import Max

from livingwell.coproduction.public import published_decisions
from livingwell.core.models import SiteConfig
from livingwell.insight import metrics, snapshots
from livingwell.insight.models import DashboardSnapshot
from livingwell.stories import consent

MAX_STORIES = 12


def chosen_public_stories():
    """Stories a panel chose whose consent for the public website is in force now."""
    return (
        consent.public_stories()
        .filter(selections__isnull=False)
        .select_related("domain", "collection")
        .annotate(chosen_on=Max("selections__met_on"))
        .order_by("-chosen_on")[:MAX_STORIES]
    )


def _stored_figures(filters, site):
    """Insight's stored figures for the network, as last computed (their time is shown): a
    public request never waits for a recalculation, which the schedule does. Computed here only
    when none of this release are stored yet (a new site, a new week's period)."""
    key = snapshots.snapshot_key(filters, site)
    stored = DashboardSnapshot.objects.filter(key=key).first()
    if stored is not None and stored.figures.get("version") == snapshots.FIGURES_VERSION:
        return stored
    return snapshots.current(filters, site)


def context() -> dict:
    site = SiteConfig.current()
    filters = metrics.Filters.default()
    snapshot = _stored_figures(filters, site)
    parts = snapshots.page_parts(snapshot, filters, site)
    readings = [
        {
            "title": chart["title"],
            "summary": chart["summary"],
            "variation": chart["variation_label"],
        }
        for chart in parts["charts"]
    ]
    return {
        "headlines": parts["headlines"],
        "readings": readings,
        "stories": list(chosen_public_stories()),
        # Co-production's "You said, we did": only what its decision log marks public.
        "decisions": published_decisions(),
        "figures_at": snapshot.computed_at,
        "filters": filters,
        "threshold": site.suppression_threshold,
        "rounding": site.suppression_rounding,
    }
