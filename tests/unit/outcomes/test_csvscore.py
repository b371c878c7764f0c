"""score_csv(): one output row per response; a bad row does not stop the others."""

from __future__ import annotations

import csv
import io

import pytest

from livingwell.outcomes import MeasureInputError, score_csv


def run(measure: str, text: str) -> tuple[list[dict[str, str]], object]:
    out = io.StringIO()
    summary = score_csv(measure, io.StringIO(text), out)
    out.seek(0)
    return list(csv.DictReader(out)), summary


def test_rows_are_scored_and_errors_reported_per_row():
    text = (
        "person,1,2,3,4,5,6,7,8,9,10\n"
        "a,2,2,2,2,2,2,2,2,2,2\n"  # 10 x 2 = 20 -> moderate_severe
        "b,1,1,1,1,1,1,1,1,1,9\n"  # item 10 out of range
        "c,2,2,2,2,2,,2,2,2,2\n"  # one missing: 18 / 9 x 10 = 20.0, prorated
        "d,1,1,x,1,1,1,1,1,1,1\n"  # not a number
        "e,1,1,1,1,1,,,1,1,1\n"  # two missing: refused
        "f,0,0,0,0,0,0,0,0,0,0\n"
    )
    rows, summary = run("core10", text)
    assert (summary.rows, summary.scored, summary.failed) == (6, 3, 3)
    by_person = {row["person"]: row for row in rows}
    assert by_person["a"]["total"] == "20"
    assert by_person["a"]["band"] == "moderate_severe"
    assert by_person["a"]["clinical"] == "true"
    assert by_person["a"]["prorated"] == "false"
    assert by_person["a"]["error"] == ""
    assert "item 10: 9 is out of range" in by_person["b"]["error"]
    assert by_person["b"]["total"] == ""
    assert by_person["c"]["total"] == "20.0"
    assert by_person["c"]["prorated"] == "true"
    assert by_person["c"]["missing"] == "6"
    assert "item 3: 'x' is not a whole number" in by_person["d"]["error"]
    assert "at most 1 missing" in by_person["e"]["error"]
    assert by_person["f"]["total"] == "0" and by_person["f"]["band"] == "healthy"
    assert [row["line"] for row in rows] == ["2", "3", "4", "5", "6", "7"]


def test_output_has_subscale_and_metric_columns():
    rows, _ = run("dialog", "1,2,3,4,5,6,7,8,9,10,11\n1,2,3,4,5,6,7,7,2,3,5\n")
    # (1+2+3+4+5+6+7+7)/8 = 4.375; (2+3+5)/3 = 3.3333
    assert rows[0]["sqol"] == "4.375"
    assert rows[0]["treatment_satisfaction"] == "3.3333"
    rows, _ = run("swemwbs", "id,1,2,3,4,5,6,7\nx,3,3,3,3,3,3,3\n")
    assert (rows[0]["total"], rows[0]["metric"]) == ("21", "19.25")


def test_reads_a_path_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "phq9.csv"
    path.write_text("1,2,3,4,5,6,7,8,9\n3,3,3,3,3,3,3,3,3\n", encoding="utf-8-sig")
    out = io.StringIO()
    summary = score_csv("phq9", path, out)
    assert summary.scored == 1
    out.seek(0)
    row = next(csv.DictReader(out))
    assert (row["total"], row["band"]) == ("27", "severe")  # 9 x 3 = 27


def test_a_numbered_column_that_is_not_an_item_stops_the_file():
    with pytest.raises(MeasureInputError, match="column '10' is not an item of phq9"):
        run("phq9", "1,2,3,4,5,6,7,8,9,10\n" + ",".join(["1"] * 10) + "\n")


def test_a_file_with_no_item_columns_is_refused():
    with pytest.raises(MeasureInputError, match="no item columns"):
        run("gad7", "name,score\nx,3\n")


def test_a_passthrough_column_clashing_with_an_output_column_is_refused():
    with pytest.raises(MeasureInputError, match="total"):
        run("gad7", "total,1,2,3,4,5,6,7\n1,1,1,1,1,1,1,1\n")


def test_a_row_longer_than_the_header_is_an_error_for_that_row_only():
    rows, summary = run("gbo", "1,2,3\n4,5,6,7\n4,5,6\n")
    assert summary.failed == 1 and summary.scored == 1
    assert "more fields" in rows[0]["error"]


def test_unknown_measure_is_refused():
    with pytest.raises(MeasureInputError, match="unknown measure"):
        run("honos", "1\n1\n")
