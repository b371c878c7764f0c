"""What a collection's pattern page shows: each signifier's figures for a set of stories.

Only stories whose consent in force allows learning across the network are counted
(``stories.consent``). Every count goes through insight's disclosure control (the site's
suppression settings, ``insight.metrics.Disclosure``); a triad with too few stories to show
safely draws no points and no mean. The triangle's geometry is ``stories.geometry``; the SVG is
drawn by a Django template from the numbers here, so every label is escaped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from livingwell.insight import metrics
from livingwell.stories import consent, geometry
from livingwell.stories.models import Audience, Signifier, Story

# The triangle on the page: side SIDE pixels, MARGIN around it for the anchors' labels.
SIDE = 240.0
MARGIN_X = 40.0
MARGIN_TOP = 30.0
HEIGHT = SIDE * (3**0.5) / 2
EQUITY = metrics.EQUITY_DIMENSIONS


def to_page(x: float, y: float) -> tuple[float, float]:
    """A point of the unit triangle in the SVG's coordinates (y grows downwards)."""
    return (round(MARGIN_X + x * SIDE, 1), round(MARGIN_TOP + HEIGHT - y * SIDE, 1))


# The triangle's corners on the page: first anchor, second anchor, apex (third anchor).
CORNERS = (to_page(0, 0), to_page(1, 0), to_page(0.5, 3**0.5 / 2))
VIEWBOX = f"0 0 {int(2 * MARGIN_X + SIDE)} {int(MARGIN_TOP + HEIGHT + 40)}"


def zone_label(zone: str, labels: list[str]) -> str:
    if zone == "centre":
        return _("Centre (balanced between all three)")
    names = dict(zip(("first", "second", "third"), labels, strict=False))
    return " + ".join(names[part] for part in zone.split("+"))


@dataclass
class Figure:
    signifier: Signifier
    answered: int = 0
    not_applicable: int = 0
    shown: bool = False
    rows: list = field(default_factory=list)  # (label, count shown)
    points: list = field(default_factory=list)  # (x, y, story id, shares)
    mean: tuple | None = None
    mean_xy: tuple | None = None
    summary: str = ""
    corners: tuple = CORNERS
    viewbox: str = VIEWBOX


def stories_for(collection, *, today=None):
    """The collection's stories that may be used for learning across the network now."""
    return consent.allowed(
        Story.objects.filter(collection=collection), Audience.NETWORK_LEARNING, today
    )


def equity_group(story: Story, dimension: str) -> str:
    person = story.person
    row = {
        "person__ethnicity": getattr(person, "ethnicity", ""),
        "person__date_of_birth": getattr(person, "date_of_birth", None),
        "person__sex": getattr(person, "sex", ""),
        "person__gender": getattr(person, "gender", ""),
        "person__deprivation_decile": getattr(person, "deprivation_decile", None),
        "received_at": story.recorded_at,
    }
    return metrics.group_of(dimension, row)


def figures(stories: list[Story], signifiers, disclosure: metrics.Disclosure) -> list[Figure]:
    """Each signifier's counts, points, mean and words for ``stories`` (answers prefetched)."""
    out = []
    for sig in signifiers:
        answers = [a for s in stories for a in s.answers.all() if a.signifier_id == sig.pk]
        given = [a for a in answers if not a.not_applicable]
        fig = Figure(signifier=sig, answered=len(given))
        fig.not_applicable = len(stories) - len(given)
        fig.shown = len(given) > disclosure.threshold
        if sig.kind == Signifier.Kind.TRIAD:
            _triad(fig, given, disclosure)
        elif sig.kind == Signifier.Kind.DYAD:
            _dyad(fig, given, disclosure)
        else:
            _choice(fig, given, disclosure)
        out.append(fig)
    return out


def _triad(fig: Figure, given, disclosure) -> None:
    labels = fig.signifier.labels
    zones = Counter(geometry.zone(a.first, a.second, a.third) for a in given)
    fig.rows = [(zone_label(z, labels), disclosure.count(zones[z])) for z in geometry.ZONES]
    if not fig.shown:
        fig.summary = _("Too few stories answered this to show them safely.")
        return
    for a in given:
        x, y = geometry.to_xy(a.first, a.second, a.third)
        fig.points.append((*to_page(x, y), a.story_id, (a.first, a.second, a.third)))
    fig.mean = geometry.mean([(a.first, a.second, a.third) for a in given])
    fig.mean_xy = to_page(*geometry.to_xy(*fig.mean))
    top = max(geometry.ZONES, key=lambda z: zones[z])
    parts = ", ".join(
        f"{label} {round(share * 100)}%" for label, share in zip(labels, fig.mean, strict=True)
    )
    fig.summary = _(
        "%(n)s stories answered. The mean (the closed geometric mean) is %(parts)s. "
        "The most stories sit in the zone: %(zone)s."
    ) % {"n": disclosure.count(len(given)), "parts": parts, "zone": zone_label(top, labels)}


def _dyad(fig: Figure, given, disclosure) -> None:
    left, right = fig.signifier.labels
    counts = [0] * (len(geometry.DYAD_EDGES) + 1)
    for a in given:
        counts[geometry.dyad_bin(a.first)] += 1
    names = [
        _("Near “%(pole)s”") % {"pole": left},
        _("Towards “%(pole)s”") % {"pole": left},
        _("In the middle"),
        _("Towards “%(pole)s”") % {"pole": right},
        _("Near “%(pole)s”") % {"pole": right},
    ]
    biggest = max(counts) or 1
    fig.rows = [
        (name, disclosure.count(n), round(100 * n / biggest) if fig.shown else 0)
        for name, n in zip(names, counts, strict=True)
    ]
    if fig.shown:
        fig.summary = _("%(n)s stories answered; the most sit: %(where)s.") % {
            "n": disclosure.count(len(given)),
            "where": names[counts.index(max(counts))].lower(),
        }
    else:
        fig.summary = _("Too few stories answered this to show them safely.")


def _choice(fig: Figure, given, disclosure) -> None:
    counts = Counter(a.choice for a in given)
    fig.rows = [(label, disclosure.count(counts[label])) for label in fig.signifier.labels]
    if fig.shown:
        top = max(fig.signifier.labels, key=lambda label: counts[label])
        fig.summary = _("%(n)s stories answered; the most chosen: %(top)s.") % {
            "n": disclosure.count(len(given)),
            "top": top,
        }
    else:
        fig.summary = _("Too few stories answered this to show them safely.")


def counts_by(stories: list[Story], key, disclosure) -> list[tuple[str, str]]:
    counter = Counter(key(s) for s in stories)
    return [(label, disclosure.count(n)) for label, n in sorted(counter.items())]
