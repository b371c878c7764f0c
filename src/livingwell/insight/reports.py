"""The quarterly board report as a PDF, drawn with reportlab (no browser, no network).

Charts are drawn with reportlab graphics from the same ``xmr()`` results as the dashboard, with
their SPC reading in words, and the figures go through the same disclosure control.
"""

from __future__ import annotations

import io
from html import escape

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from livingwell.insight import metrics
from livingwell.insight.dashboard import weekly_charts
from livingwell.insight.icons import COLOURS, assurance_label, variation_icon_key, variation_label
from livingwell.insight.lenses import tables_for

_LINE = colors.HexColor("#425563")


def xmr_drawing(
    result, labels: list[str], width: float = 16 * cm, height: float = 7 * cm
) -> Drawing:
    """An XmR chart as reportlab vector graphics: values, mean, limits, markers by meaning."""
    drawing = Drawing(width, height)
    left, right, bottom, top = 40, 10, 28, 10
    plot_w, plot_h = width - left - right, height - bottom - top
    recorded = [p for p in result.points if p.value is not None]
    if not recorded:
        drawing.add(
            String(width / 2, height / 2, _("No data yet"), textAnchor="middle", fontSize=10)
        )
        return drawing
    candidates = [p.value for p in recorded]
    for segment in result.segments:
        candidates += [v for v in (segment.upl, segment.lpl, segment.mean) if v is not None]
    if result.target is not None:
        candidates.append(result.target)
    low, high = min(candidates), max(candidates)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    n = len(result.points)

    def x_of(i: float) -> float:
        return left + (i + 0.5) * plot_w / n

    def y_of(v: float) -> float:
        return bottom + (v - low) / (high - low) * plot_h

    drawing.add(Line(left, bottom, left, bottom + plot_h, strokeColor=_LINE, strokeWidth=0.5))
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=_LINE, strokeWidth=0.5))
    for value in (low + pad, high - pad):
        drawing.add(
            String(
                left - 4,
                y_of(value) - 3,
                f"{value:.1f}".removesuffix(".0"),
                textAnchor="end",
                fontSize=7,
            )
        )
    for segment in result.segments:
        x1, x2 = x_of(segment.start - 0.5), x_of(segment.stop - 0.5)
        if segment.mean is not None:
            drawing.add(
                Line(
                    x1, y_of(segment.mean), x2, y_of(segment.mean), strokeColor=_LINE, strokeWidth=1
                )
            )
        for limit in (segment.upl, segment.lpl):
            if limit is not None:
                drawing.add(
                    Line(
                        x1,
                        y_of(limit),
                        x2,
                        y_of(limit),
                        strokeColor=_LINE,
                        strokeWidth=0.8,
                        strokeDashArray=[4, 3],
                    )
                )
    if result.target is not None:
        drawing.add(
            Line(
                left,
                y_of(result.target),
                left + plot_w,
                y_of(result.target),
                strokeColor=colors.HexColor(COLOURS["neutral"]),
                strokeWidth=1,
                strokeDashArray=[1, 2],
            )
        )
        drawing.add(
            String(
                left + plot_w - 2,
                y_of(result.target) + 2,
                _("Target {v}").format(v=f"{result.target:.1f}".removesuffix(".0")),
                textAnchor="end",
                fontSize=7,
            )
        )
    for segment in result.segments[1:]:
        x = x_of(segment.start - 0.5)
        drawing.add(Line(x, bottom, x, bottom + plot_h, strokeColor=_LINE, strokeWidth=0.8))
        note = segment.note or _("Limits recalculated")
        drawing.add(String(x + 2, bottom + plot_h - 8, note[:40], textAnchor="start", fontSize=7))
    run: list[float] = []
    for point in list(result.points) + [None]:
        if point is not None and point.value is not None:
            run += [x_of(point.index), y_of(point.value)]
            continue
        if len(run) > 2:
            drawing.add(PolyLine(run, strokeColor=_LINE, strokeWidth=1))
        run = []
    for point in recorded:
        x, y = x_of(point.index), y_of(point.value)
        if point.variation == "special_cause_improvement":
            drawing.add(
                Rect(
                    x - 3.5,
                    y - 3.5,
                    7,
                    7,
                    fillColor=colors.HexColor(COLOURS["improvement"]),
                    strokeColor=None,
                )
            )
        elif point.variation == "special_cause_concern":
            drawing.add(
                Polygon(
                    [x, y + 4.5, x + 4.5, y - 3.5, x - 4.5, y - 3.5],
                    fillColor=colors.HexColor(COLOURS["concern"]),
                    strokeColor=None,
                )
            )
        elif point.variation == "special_cause_neutral":
            drawing.add(
                Polygon(
                    [x, y + 4.5, x + 4.5, y, x, y - 4.5, x - 4.5, y],
                    fillColor=colors.HexColor(COLOURS["neutral"]),
                    strokeColor=None,
                )
            )
        else:
            drawing.add(
                Circle(
                    x, y, 2, fillColor=colors.HexColor(COLOURS["common_cause"]), strokeColor=None
                )
            )
    step = max(1, -(-n // 6))
    for i in list(range(0, n, step)):
        drawing.add(String(x_of(i), bottom - 12, labels[i], textAnchor="middle", fontSize=7))
    return drawing


def board_report_pdf(filters: metrics.Filters, site) -> bytes:
    disclosure = metrics.Disclosure(site.suppression_threshold, site.suppression_rounding)
    data = metrics.Dataset(filters)
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("{site}: quarterly board report").format(site=site.name),
        author=site.name,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    story = [
        Paragraph(_("{site}: quarterly board report").format(site=site.name), styles["Title"]),
        Paragraph(
            _("{area}. Figures for {start} to {end}.").format(
                area=site.area_name,
                start=filters.start.strftime("%d %B %Y"),
                end=filters.end.strftime("%d %B %Y"),
            ),
            styles["Normal"],
        ),
        Paragraph(
            _(
                "Counts from 1 to {n} are shown as * and other counts are rounded to the "
                "nearest {r}."
            ).format(n=disclosure.threshold, r=disclosure.rounding),
            styles["Italic"],
        ),
        Spacer(1, 0.5 * cm),
    ]
    for chart in weekly_charts(data, disclosure, site.spc_run_length):
        result = chart["result"]
        story.append(Paragraph(chart["title"], styles["Heading2"]))
        story.append(xmr_drawing(result, chart["labels"]))
        story.append(Paragraph(escape(chart["summary"]), styles["Normal"]))
        for note in chart["rebases"]:
            story.append(
                Paragraph(_("Process change: {n}").format(n=escape(note)), styles["Normal"])
            )
        if chart["target_note"]:
            story.append(
                Paragraph(_("Target: {n}").format(n=escape(chart["target_note"])), styles["Normal"])
            )
        icon = variation_icon_key(result.latest_point)
        if icon:
            story.append(
                Paragraph(_("Variation: {v}.").format(v=variation_label(icon)), styles["Normal"])
            )
        if result.assurance:
            story.append(
                Paragraph(
                    _("Assurance: {a}.").format(a=assurance_label(result.assurance)),
                    styles["Normal"],
                )
            )
        story.append(Spacer(1, 0.4 * cm))
    story.append(PageBreak())
    for key in metrics.LENSES:
        story.append(Paragraph(metrics.title_of(key), styles["Heading2"]))
        story.append(Paragraph(metrics.definition_of(key), styles["Italic"]))
        for table in tables_for(key, data):
            rows = [
                [Paragraph(c.label, styles["BodyText"]) for c in table.columns]
            ] + disclosure.table(table)
            pdf_table = Table(rows, repeatRows=1)
            pdf_table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edee")),
                        ("FONTSIZE", (0, 1), (-1, -1), 8),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(Spacer(1, 0.2 * cm))
            story.append(pdf_table)
            for note in metrics.notes_of(table, disclosure) + disclosure.gap_sentences(table):
                story.append(Paragraph(note, styles["Normal"]))
        story.append(Spacer(1, 0.4 * cm))
    story.append(PageBreak())
    story.append(Paragraph(_("Collaborative's narrative"), styles["Heading1"]))
    story.append(
        Paragraph(
            _(
                "For the lived-experience collaborative: what these figures mean to the people "
                "who use the network, and what should change."
            ),
            styles["Italic"],
        )
    )
    lines = Table([[""] for _i in range(18)], colWidths=[17 * cm], rowHeights=[0.9 * cm] * 18)
    lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story.append(lines)
    doc.build(story)
    return buffer.getvalue()
