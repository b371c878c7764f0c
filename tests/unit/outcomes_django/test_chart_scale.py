"""The outcomes chart decides what to draw from what is charted, not from the axis's words, so a
translated axis label keeps the severity bands and the clinical cut-off."""

from __future__ import annotations

from datetime import date

from livingwell.outcomes import chart
from livingwell.outcomes.definitions import get_definition


def _figure():
    defn = get_definition("phq9")
    series = [chart.Series("PHQ-9", [(date(2026, 1, 5), 18), (date(2026, 3, 2), 9)])]
    return chart.chart_figure(defn, series, chart_id="c", title="PHQ-9", description="d")


def test_a_translated_axis_label_keeps_the_bands_and_the_cutoff(monkeypatch):
    english = _figure()
    assert english["bands"] and english["cutoff"] is not None
    monkeypatch.setitem(chart.SCALE_LABELS, "total", "Cyfanswm y sgôr")
    translated = _figure()
    assert translated["axis_label"]["text"] == "Cyfanswm y sgôr"
    assert translated["bands"] == english["bands"]
    assert translated["cutoff"] == english["cutoff"]
