"""The project's own variation and assurance icons, as inline SVG with text labels.

Drawn for Living Well (not copied from NHS England's artwork): a ring whose colour follows the
Making Data Count convention (blue improvement, orange concern, purple neutral, grey common cause)
and, so that colour is never the only cue, a glyph that differs by meaning:

* common cause: a flat wavy line;
* improvement: an arrow (up for high, down for low) with a small "+";
* concern: an arrow with a small "!";
* neutral: an arrow with a small dot;
* assurance pass: a tick; fail: a cross; hit and miss: a tick and a cross side by side.

Every icon carries a ``<title>`` with its label and ``role="img"``; pages should still print the
label next to it (:func:`variation_label` / :func:`assurance_label`). The drawing is data here
and markup in the template ``insight/_spc_icon.html`` (autoescaped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.utils.translation import gettext

if TYPE_CHECKING:
    from livingwell.insight.spc import XmRPoint

__all__ = [
    "ASSURANCE_KEYS",
    "COLOURS",
    "SVG_NAMESPACE",
    "VARIATION_KEYS",
    "assurance_icon_figure",
    "assurance_label",
    "translate",
    "variation_icon_figure",
    "variation_icon_key",
    "variation_label",
]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def translate(message: str) -> str:
    """gettext when Django is configured, the message itself otherwise.

    The SPC code is used by Django views and by plain scripts and unit tests; marking strings
    with this function (imported as ``_``) lets makemessages find them without making this
    module depend on Django settings. Importing Django's settings and gettext reads no setting;
    only asking a configured site translates.
    """
    if not settings.configured:
        return message
    return gettext(message)


_ = translate

VariationIcon = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
AssuranceIcon = Literal["pass", "fail", "hit_and_miss"]

VARIATION_KEYS: tuple[VariationIcon, ...] = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_KEYS: tuple[AssuranceIcon, ...] = ("pass", "fail", "hit_and_miss")

# Colours chosen for contrast on white (all >= 3:1 for graphics, WCAG 1.4.11). The meaning never
# rests on them alone.
COLOURS = {
    "common_cause": "#5f6b73",
    "improvement": "#005eb8",
    "concern": "#b35900",
    "neutral": "#6b2c91",
}


def variation_label(key: str) -> str:
    """The words for a variation icon, in the active language."""
    labels = {
        "common_cause": _("Common cause variation"),
        "improvement_high": _("Special cause improvement (higher values)"),
        "improvement_low": _("Special cause improvement (lower values)"),
        "concern_high": _("Special cause concern (higher values)"),
        "concern_low": _("Special cause concern (lower values)"),
        "neutral_high": _("Special cause variation, neither good nor bad (higher values)"),
        "neutral_low": _("Special cause variation, neither good nor bad (lower values)"),
    }
    if key not in labels:
        raise ValueError(f"unknown variation icon {key!r}; expected one of {VARIATION_KEYS}")
    return labels[key]


def assurance_label(key: str) -> str:
    """The words for an assurance icon, in the active language."""
    labels = {
        "pass": _("Target consistently met"),
        "fail": _("Target consistently missed"),
        "hit_and_miss": _("Target hit and miss"),
    }
    if key not in labels:
        raise ValueError(f"unknown assurance icon {key!r}; expected one of {ASSURANCE_KEYS}")
    return labels[key]


def variation_icon_key(point: XmRPoint | None) -> VariationIcon | None:
    """Which variation icon a point shows; pass ``result.latest_point`` for a chart's icon."""
    if point is None or point.variation is None:
        return None
    if point.variation == "common_cause":
        return "common_cause"
    kind = point.variation.removeprefix("special_cause_")
    return f"{kind}_{point.side}"  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# Drawing. Icons are drawn on a 40 x 40 grid and scaled by the width/height attributes; the
# template ``insight/_spc_icon.html`` draws what these functions describe.


def _stroke(d: str, width: str = "3") -> dict:
    return {"d": d, "width": width}


def _arrow(up: bool) -> dict:
    # Shaft plus chevron head, a little left of centre to leave room for the badge.
    return _stroke("M17 29 V11 M10 18 L17 11 L24 18" if up else "M17 11 V29 M10 22 L17 29 L24 22")


def _icon(label: str, size: int, id_prefix: str, colour: str, strokes, dots=()) -> dict:
    return {
        "label": label,
        "size": str(size),
        "id": id_prefix,
        "colour": colour,
        "strokes": list(strokes),
        "dots": [{"cx": cx, "cy": cy, "r": r} for cx, cy, r in dots],
    }


def variation_icon_figure(key: str, *, size: int = 40, id_prefix: str | None = None) -> dict:
    """What a variation icon draws (see ``VARIATION_KEYS``)."""
    if key not in VARIATION_KEYS:
        raise ValueError(f"unknown variation icon {key!r}; expected one of {VARIATION_KEYS}")
    label, id_prefix = variation_label(key), id_prefix or f"lw-variation-{key}"
    if key == "common_cause":
        wave = _stroke("M9 20 Q12.5 14 16 20 T23 20 T30 20")
        return _icon(label, size, id_prefix, COLOURS["common_cause"], [wave])
    kind, direction = key.rsplit("_", 1)
    strokes, dots = [_arrow(up=direction == "high")], []
    if kind == "improvement":
        strokes.append(_stroke("M26 27 H32 M29 24 V30", "2.5"))
    elif kind == "concern":
        strokes.append(_stroke("M29 22 V27", "2.5"))
        dots.append(("29", "31", "1.5"))
    else:
        dots.append(("29", "27", "2.5"))
    return _icon(label, size, id_prefix, COLOURS[kind], strokes, dots)


def assurance_icon_figure(key: str, *, size: int = 40, id_prefix: str | None = None) -> dict:
    """What an assurance icon draws (see ``ASSURANCE_KEYS``)."""
    if key not in ASSURANCE_KEYS:
        raise ValueError(f"unknown assurance icon {key!r}; expected one of {ASSURANCE_KEYS}")
    label, id_prefix = assurance_label(key), id_prefix or f"lw-assurance-{key}"
    if key == "pass":
        tick = _stroke("M12 21 L18 27 L29 13", "3.5")
        return _icon(label, size, id_prefix, COLOURS["improvement"], [tick])
    if key == "fail":
        cross = _stroke("M13 13 L27 27 M27 13 L13 27", "3.5")
        return _icon(label, size, id_prefix, COLOURS["concern"], [cross])
    strokes = [
        _stroke("M8 20 L11.5 24 L17 15", "2.5"),
        _stroke("M23 15 L32 25 M32 15 L23 25", "2.5"),
    ]
    return _icon(label, size, id_prefix, COLOURS["common_cause"], strokes)


def point_variation_label(variation: str | None) -> str:
    """A point's reading on an XmR chart in words, for the tables of values beside the charts.
    One translation per call: a chart asks once for each of its points."""
    if variation == "common_cause":
        return _("Common cause")
    if variation == "special_cause_improvement":
        return _("Special cause: improvement")
    if variation == "special_cause_concern":
        return _("Special cause: concern")
    if variation == "special_cause_neutral":
        return _("Special cause: neither good nor bad")
    return ""
