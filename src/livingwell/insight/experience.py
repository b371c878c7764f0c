"""The experience lens: what people said when their support closed.

Counts go through ``metrics.Disclosure`` like every other figure. Comments in people's own words
are the riskiest thing insight shows, so :func:`shareable_comments` is the one place that decides
whether any are shown: only those the person agreed to share, only when more answers than the
small-number threshold were given, at most ``limit`` of them, with the month and nothing else.
"""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.insight.metrics import Column, Dataset, Table
from livingwell.insight.models import ClosureFeedback


def response_rate(data: Dataset) -> Table:
    closures = len(data.closures)
    answered = len(data.feedback)
    table = Table(
        "experience_responses",
        _("Feedback given when support closed"),
        [
            Column(_("Closures in the period")),
            Column(_("Closures"), "count"),
            Column(_("With feedback"), "count"),
            Column(_("Share with feedback"), "rate"),
        ],
    )
    table.rows.append([_("All closures"), closures, answered, (answered, closures)])
    return table


def helpfulness(data: Dataset) -> Table:
    counts = Counter(row["helpfulness"] for row in data.feedback)
    total = sum(counts.values())
    table = Table(
        "experience_helpfulness",
        _("How helpful was the support?"),
        [
            Column(_("Answer")),
            Column(_("People"), "count"),
            Column(_("Share of answers"), "rate"),
        ],
    )
    for value, label in reversed(ClosureFeedback.Helpfulness.choices):
        table.rows.append(
            [f"{value}: {label}", counts.get(value, 0), (counts.get(value, 0), total)]
        )
    top = counts.get(4, 0) + counts.get(5, 0)
    table.rows.append([_("Very or extremely helpful (4 or 5)"), top, (top, total)])
    return table


def listened(data: Dataset) -> Table:
    counts = Counter(row["felt_listened_to"] for row in data.feedback)
    total = sum(counts.values())
    table = Table(
        "experience_listened",
        _("Did you feel listened to?"),
        [
            Column(_("Answer")),
            Column(_("People"), "count"),
            Column(_("Share of answers"), "rate"),
        ],
    )
    for value, label in ClosureFeedback.Listened.choices:
        table.rows.append([str(label), counts.get(value, 0), (counts.get(value, 0), total)])
    return table


def portal_helpfulness(data: Dataset) -> Table:
    """Feedback people gave at any time in their portal (the same 1 to 5 scale as at closure)."""
    counts = Counter(data.portal_feedback)
    total = sum(counts.values())
    table = Table(
        "experience_portal",
        _("How helpful is the support? (feedback at any time, in people's portal)"),
        [
            Column(_("Answer")),
            Column(_("People"), "count"),
            Column(_("Share of answers"), "rate"),
        ],
    )
    for value, label in reversed(ClosureFeedback.Helpfulness.choices):
        table.rows.append(
            [f"{value}: {label}", counts.get(value, 0), (counts.get(value, 0), total)]
        )
    return table


def experience_tables(data: Dataset) -> list[Table]:
    return [response_rate(data), helpfulness(data), listened(data), portal_helpfulness(data)]


def shareable_comments(data: Dataset, threshold: int, limit: int = 10) -> list[dict] | None:
    """Recent comments safe to show, or None when too few answers were given to show any.

    Each comment is ``{"month": "March 2026", "text": ...}``: no name, reference or exact date.
    """
    if len(data.feedback) <= threshold:
        return None
    comments = []
    for row in data.feedback:  # newest first
        text = (row["free_text"] or "").strip()
        if not text or not row["comment_may_be_shared"]:
            continue
        month = timezone.localtime(row["answered_at"]).strftime("%B %Y")
        comments.append({"month": month, "text": text})
        if len(comments) >= limit:
            break
    return comments
