"""Server-side SVG rendering of an XmR chart, and its reading in plain English.

No third-party script, font or URL: :func:`xmr_figure` works out the chart's coordinates and
words, and the template ``insight/_xmr_chart.html`` draws them (autoescaped, so every label is
escaped however it was written) in the generic ``sans-serif`` family. The PDF board report draws
the same result with reportlab (insight/reports.py). The only ``http`` string is the SVG
namespace identifier, which is never fetched.

Accessibility: ``role="img"`` with ``<title>`` (the measure's name) and ``<desc>`` (the same text
as :func:`summarise`); each point has its own ``<title>``; special cause points differ from
common cause ones by shape as well as colour (improvement a square, concern a triangle, neutral a
diamond, common cause a small circle), and a legend names every shape. Pages should still show
the accessible table of values next to the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from livingwell.insight.icons import COLOURS
from livingwell.insight.icons import translate as _
from livingwell.insight.spc import (
    MIN_POINTS_FOR_FIRM_LIMITS,
    Rule,
    Side,
    XmRPoint,
    XmRResult,
)

__all__ = ["format_value", "summarise", "xmr_figure"]

_TEXT = "#212b32"
_LINE = "#425563"
_TARGET = "#330072"
_GRID = "#d8dde0"
_FONT = "sans-serif"


# --------------------------------------------------------------------------------------------
# Words


def format_value(value: float, unit: str = "") -> str:
    """A figure for people: 3 significant-ish digits, no trailing zeros, with its unit."""
    if math.isclose(value, round(value), abs_tol=1e-9):
        text = str(int(round(value)))
    else:
        magnitude = abs(value)
        decimals = 1 if magnitude >= 1 else 2
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if not unit:
        return text
    # Symbols sit against the number; words get a space ("80%" but "12 days").
    return f"{text}{unit}" if unit in {"%", "‰"} else f"{text} {unit}"


def _rule_phrase(rule: Rule, side: Side, result: XmRResult) -> str:
    high = side == "high"
    if rule == "outside_limits":
        return _("above the upper process limit") if high else _("below the lower process limit")
    if rule == "run":
        text = (
            _("part of a run of {n} or more values above the mean")
            if high
            else _("part of a run of {n} or more values below the mean")
        )
        return text.format(n=result.run_length)
    if rule == "trend":
        text = (
            _("part of {n} or more values in a row that keep rising")
            if high
            else _("part of {n} or more values in a row that keep falling")
        )
        return text.format(n=result.trend_length)
    return (
        _("one of two out of three values close to the upper process limit")
        if high
        else _("one of two out of three values close to the lower process limit")
    )


def _join(phrases: Sequence[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return _("{first} and {last}").format(first=", ".join(phrases[:-1]), last=phrases[-1])


def _variation_sentence(point: XmRPoint, result: XmRResult) -> str:
    if point.variation == "common_cause":
        return ""
    phrases = []
    seen: set[tuple[str, str]] = set()
    for signal in point.signals:
        if (signal.rule, signal.side) not in seen:
            seen.add((signal.rule, signal.side))
            phrases.append(_rule_phrase(signal.rule, signal.side, result))
    kind = {
        "special_cause_improvement": _("special cause improvement"),
        "special_cause_concern": _("special cause concern"),
        "special_cause_neutral": _("special cause variation (neither good nor bad)"),
    }[point.variation or ""]
    return _("The latest value shows {kind}: it is {reasons}.").format(
        kind=kind, reasons=_join(phrases)
    )


def summarise(result: XmRResult, name: str, unit: str = "") -> str:
    """A plain-English reading of the chart: what the latest value says, and about the target.

    Used as the chart's ``<desc>``, beside the chart on screen and in the board report.
    """
    latest = result.latest_point
    if latest is None or latest.value is None:
        return _("{name}: no values have been recorded yet, so there is nothing to read.").format(
            name=name
        )
    segment = result.segments[latest.segment]
    sentences = [
        _("{name}: the latest value is {value}.").format(
            name=name, value=format_value(latest.value, unit)
        )
    ]
    if not segment.has_limits:
        sentences.append(
            _(
                "There are not yet two values in consecutive periods since the limits were last "
                "set, so the usual range of variation cannot be worked out."
            )
        )
        return " ".join(sentences)

    assert segment.mean is not None and segment.lpl is not None and segment.upl is not None
    sentences.append(
        _(
            "The average is {mean}; from the variation so far, values between {lpl} and {upl} "
            "are to be expected by chance alone."
        ).format(
            mean=format_value(segment.mean, unit),
            lpl=format_value(segment.lpl, unit),
            upl=format_value(segment.upl, unit),
        )
    )

    in_segment = [p for p in result.points if p.segment == latest.segment and p.value is not None]
    special = [p for p in in_segment if p.is_special_cause]
    if latest.is_special_cause:
        sentences.append(_variation_sentence(latest, result))
    elif special:
        sentences.append(
            _(
                "The latest value is within the usual variation, but {count} earlier value(s) "
                "since the limits were set stood out as special cause variation."
            ).format(count=len(special))
        )
    else:
        sentences.append(
            _(
                "Common cause variation only: nothing since the limits were set stands out from "
                "the usual ups and downs."
            )
        )

    if result.target is not None:
        target = format_value(result.target, unit)
        if result.improvement == "neutral":
            sentences.append(
                _(
                    "A target of {target} is shown, but no assurance is given because neither "
                    "direction counts as better for this measure."
                ).format(target=target)
            )
        elif result.assurance == "pass":
            sentences.append(
                _(
                    "The process can be relied on to meet the target of {target}: both process "
                    "limits are on the right side of it."
                ).format(target=target)
            )
        elif result.assurance == "fail":
            sentences.append(
                _(
                    "The process cannot meet the target of {target} as it stands: both process "
                    "limits are on the wrong side of it, so it will keep missing it until the "
                    "process itself changes."
                ).format(target=target)
            )
        elif result.assurance == "hit_and_miss":
            sentences.append(
                _(
                    "The target of {target} lies between the process limits, so the process "
                    "cannot be relied on to meet it: by chance alone it will be met at some "
                    "points and missed at others."
                ).format(target=target)
            )

    for later in result.segments[1:]:
        note = later.note or _("no reason recorded")
        sentences.append(
            _("The limits were recalculated from value {position} ({note}).").format(
                position=later.start + 1, note=note
            )
        )
    if segment.trial_limits:
        sentences.append(
            _(
                "These are trial limits: they rest on {count} value(s), fewer than the {minimum} "
                "recommended, and will move as more data arrive."
            ).format(count=segment.n_points, minimum=MIN_POINTS_FOR_FIRM_LIMITS)
        )
    elif result.trial_limits:
        sentences.append(
            _(
                "An earlier period has trial limits (fewer than {minimum} values); read it with "
                "care."
            ).format(minimum=MIN_POINTS_FOR_FIRM_LIMITS)
        )
    return " ".join(s for s in sentences if s)


# --------------------------------------------------------------------------------------------
# Drawing


def _nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    span = high - low
    raw_step = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw_step)
    first = math.ceil(low / step) * step
    ticks = []
    tick = first
    while tick <= high + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _fmt(x: float) -> str:
    # Coordinates: two decimals is sub-pixel and keeps the markup small.
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    colour: str,
    width: float = 1.5,
    dash: str = "",
    css_class: str = "",
) -> dict:
    return {
        "x1": _fmt(x1),
        "y1": _fmt(y1),
        "x2": _fmt(x2),
        "y2": _fmt(y2),
        "colour": colour,
        "width": _fmt(width),
        "dash": dash,
        "css": css_class,
    }


def _label(x: float, y: float, text: str, **extra) -> dict:
    return {"x": _fmt(x), "y": _fmt(y), "text": text, **extra}


def _marker(variation: str, x: float, y: float) -> dict:
    """Shape by meaning, so the chart reads in greyscale and for colour-blind readers."""
    if variation == "special_cause_improvement":
        s = 5.5
        return {
            "shape": "rect",
            "x": _fmt(x - s),
            "y": _fmt(y - s),
            "size": _fmt(2 * s),
            "fill": COLOURS["improvement"],
        }
    if variation == "special_cause_concern":
        s = 7.0
        points = (
            f"{_fmt(x)},{_fmt(y - s)} {_fmt(x + s)},{_fmt(y + s * 0.8)} "
            f"{_fmt(x - s)},{_fmt(y + s * 0.8)}"
        )
        return {"shape": "polygon", "points": points, "fill": COLOURS["concern"]}
    if variation == "special_cause_neutral":
        s = 7.0
        points = (
            f"{_fmt(x)},{_fmt(y - s)} {_fmt(x + s)},{_fmt(y)} "
            f"{_fmt(x)},{_fmt(y + s)} {_fmt(x - s)},{_fmt(y)}"
        )
        return {"shape": "polygon", "points": points, "fill": COLOURS["neutral"]}
    return {"shape": "circle", "x": _fmt(x), "y": _fmt(y), "fill": COLOURS["common_cause"]}


def _variation_words(variation: str) -> str:
    # One translation per call (a chart asks once per point), not all four.
    if variation == "common_cause":
        return _("common cause")
    if variation == "special_cause_improvement":
        return _("special cause improvement")
    if variation == "special_cause_concern":
        return _("special cause concern")
    if variation == "special_cause_neutral":
        return _("special cause variation (neither good nor bad)")
    raise KeyError(variation)


def _truncate(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def xmr_figure(
    result: XmRResult,
    *,
    title: str,
    unit: str = "",
    labels: Sequence[str] | None = None,
    width: int = 760,
    height: int = 400,
    id_prefix: str = "xmr-chart",
    markers: Sequence[tuple[int, str, str]] = (),
) -> dict:
    """What ``insight/_xmr_chart.html`` draws: coordinates and words, nothing marked safe.

    ``labels`` names each period (e.g. "Mar 2025") and must match the number of values.
    ``id_prefix`` keeps ``id`` attributes unique when several charts share a page.
    ``markers`` are events to show against the periods, each ``(index, short label, full
    description)``: a test of change starting (a PDSA cycle), for example. They are drawn as
    a labelled line before that period, with the description as its ``<title>``.
    """
    n = len(result.points)
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries but the chart has {n} values")
    for index, _short, _long in markers:
        if not 0 <= index < n:
            raise ValueError(f"marker index {index} is outside the chart's {n} values")
    if width < 300 or height < 200:
        raise ValueError("the chart needs at least 300 x 200 pixels to stay legible")

    left, right, top = 64.0, 150.0, 46.0
    bottom = 96.0  # x labels, legend, notes
    plot_w = width - left - right
    plot_h = height - top - bottom
    figure: dict = {
        "id": id_prefix,
        "width": str(width),
        "height": str(height),
        "title": title,
        "description": summarise(result, title, unit),
        "heading": _label(left, 24, title),
        "empty": None,
    }

    recorded = [p for p in result.points if p.value is not None]
    if not recorded:
        figure["empty"] = _label(left + plot_w / 2, top + plot_h / 2, _("No data yet"))
        return figure

    # Vertical scale covers values, limits and target with a little headroom.
    candidates: list[float] = [p.value for p in recorded if p.value is not None]
    for segment in result.segments:
        candidates += [v for v in (segment.upl, segment.lpl, segment.mean) if v is not None]
    if result.target is not None:
        candidates.append(result.target)
    low, high = min(candidates), max(candidates)
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    def x_of(index: float) -> float:
        return left + (index + 0.5) * plot_w / n

    # Grid and y axis.
    grid = []
    for tick in _nice_ticks(low, high):
        y = y_of(tick)
        grid.append(
            {
                "line": _line(left, y, left + plot_w, y, colour=_GRID, width=1),
                "label": _label(left - 8, y + 4, format_value(tick, unit)),
            }
        )
    figure["grid"] = grid
    figure["axes"] = [
        _line(left, top, left, top + plot_h, colour=_LINE, width=1),
        _line(left, top + plot_h, left + plot_w, top + plot_h, colour=_LINE, width=1),
    ]

    # X labels: about eight, always including the last period.
    figure["periods"] = []
    if labels is not None:
        step = max(1, math.ceil(n / 8))
        # Every step-th period, and the last one in place of any that would crowd it.
        shown = {i for i in range(0, n, step) if i == 0 or n - 1 - i >= step} | {n - 1}
        figure["periods"] = [
            _label(x_of(index), top + plot_h + 16, _truncate(labels[index], 12))
            for index in sorted(shown)
        ]

    # Mean and process limits, drawn per segment and broken at each rebase so it is plain that
    # the old limits no longer apply.
    limits = []
    for segment in result.segments:
        x1, x2 = x_of(segment.start - 0.5), x_of(segment.stop - 0.5)
        if segment.mean is not None:
            y = y_of(segment.mean)
            limits.append(_line(x1, y, x2, y, colour=_LINE, width=1.5, css_class="lw-mean"))
        for limit in (segment.upl, segment.lpl):
            if limit is not None:
                y = y_of(limit)
                limits.append(
                    _line(
                        x1,
                        y,
                        x2,
                        y,
                        colour=_LINE,
                        width=1.25,
                        dash="6 4",
                        css_class="lw-process-limit",
                    )
                )
    figure["limits"] = limits

    # Labels for the latest segment's lines, in the right margin.
    last = result.segments[-1]
    label_x = left + plot_w + 8
    right_labels = []
    if last.upl is not None:
        right_labels.append((last.upl, _("Upper limit {v}").format(v=format_value(last.upl, unit))))
    if last.mean is not None:
        right_labels.append((last.mean, _("Mean {v}").format(v=format_value(last.mean, unit))))
    if last.lpl is not None:
        right_labels.append((last.lpl, _("Lower limit {v}").format(v=format_value(last.lpl, unit))))
    if result.target is not None:
        right_labels.append(
            (result.target, _("Target {v}").format(v=format_value(result.target, unit)))
        )
    # Nudge labels apart so they never overprint when limits sit close together.
    placed: list[float] = []
    figure["limit_labels"] = []
    for value, content in sorted(right_labels, key=lambda item: -item[0]):
        y = y_of(value) + 4
        if placed and y < placed[-1] + 14:
            y = placed[-1] + 14
        placed.append(y)
        figure["limit_labels"].append(_label(label_x, y, content))

    figure["target"] = None
    if result.target is not None:
        ty = y_of(result.target)
        figure["target"] = _line(
            left, ty, left + plot_w, ty, colour=_TARGET, width=2, dash="2 3", css_class="lw-target"
        )

    # Rebase markers with their change notes (full note in a <title>, shortened on the chart).
    figure["rebases"] = []
    for segment in result.segments[1:]:
        x = x_of(segment.start - 0.5)
        note = segment.note or _("Limits recalculated")
        figure["rebases"].append(
            {
                "title": _("Limits recalculated from value {n}: {note}").format(
                    n=segment.start + 1, note=note
                ),
                "line": _line(x, top - 6, x, top + plot_h, colour=_TEXT, width=1, dash="1 3"),
                "label": _label(x + 4, top + 6, _truncate(note)),
            }
        )

    # Events (e.g. PDSA cycles starting): a line before the period, its short label near the
    # bottom of the plot (staggered so neighbours do not overprint), the full text as a title.
    figure["events"] = []
    for k, (index, short, description) in enumerate(markers):
        x = x_of(index - 0.5)
        figure["events"].append(
            {
                "title": description,
                "line": _line(x, top, x, top + plot_h, colour=_TARGET, width=1.25, dash="4 2"),
                "label": _label(x + 3, top + plot_h - 6 - 14 * (k % 3), _truncate(short, 16)),
            }
        )

    # The data line, broken at missing periods.
    runs: list[str] = []
    run: list[str] = []
    for point in result.points + (None,):  # type: ignore[operator]
        if point is not None and point.value is not None:
            run.append(f"{_fmt(x_of(point.index))},{_fmt(y_of(point.value))}")
            continue
        if len(run) > 1:
            runs.append(" ".join(run))
        run = []
    figure["runs"] = runs

    points = []
    for point in recorded:
        assert point.value is not None and point.variation is not None
        period = labels[point.index] if labels is not None else str(point.index + 1)
        reasons = ", ".join(
            dict.fromkeys(_rule_phrase(s.rule, s.side, result) for s in point.signals)
        )
        words = _("{period}: {value}, {variation}").format(
            period=period,
            value=format_value(point.value, unit),
            variation=_variation_words(point.variation),
        )
        points.append(
            {
                **_marker(point.variation, x_of(point.index), y_of(point.value)),
                "css": f"lw-point lw-{point.variation.replace('_', '-')}",
                "variation": point.variation,
                "title": f"{words} ({reasons})" if reasons else words,
            }
        )
    figure["points"] = points

    # Legend: every shape named, plus the line styles.
    ly = top + plot_h + 40
    entries: list[tuple[str, str]] = [("common_cause", _("Common cause"))]
    if result.improvement == "neutral":
        entries.append(("special_cause_neutral", _("Special cause (neither good nor bad)")))
    else:
        entries += [
            ("special_cause_improvement", _("Special cause improvement")),
            ("special_cause_concern", _("Special cause concern")),
        ]
    x = left
    legend_markers = []
    for variation, content in entries:
        legend_markers.append(
            {"marker": _marker(variation, x + 6, ly - 4), "label": _label(x + 16, ly, content)}
        )
        x += 28 + 6.0 * len(content)
    styles = [(_LINE, 1.5, "", _("Mean"), 70), (_LINE, 1.25, "6 4", _("Process limits"), 118)]
    if result.target is not None:
        styles.append((_TARGET, 2, "2 3", _("Target"), 0))
    legend_lines = []
    for colour, line_width, dash, content, advance in styles:
        legend_lines.append(
            {
                "line": _line(
                    x, ly - 4, x + 22, ly - 4, colour=colour, width=line_width, dash=dash
                ),
                "label": _label(x + 26, ly, content),
            }
        )
        x += advance
    figure["legend_markers"] = legend_markers
    figure["legend_lines"] = legend_lines

    figure["trial_note"] = None
    if result.trial_limits:
        figure["trial_note"] = _label(
            left,
            ly + 24,
            _(
                "Trial limits: part of this chart rests on fewer than {minimum} values, so its "
                "limits will change as data arrive."
            ).format(minimum=MIN_POINTS_FOR_FIRM_LIMITS),
        )
    return figure
