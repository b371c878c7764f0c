"""`livingwell measures score MEASURE FILE.csv`: totals and bands per row, errors per row."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_scores_a_csv_row_by_row(tmp_path):
    source = tmp_path / "phq9.csv"
    rows = [
        # 3+3+2+2+1+1+1+1+0 = 14: moderate (10-14).
        {"id": "a", **{str(i): v for i, v in enumerate([3, 3, 2, 2, 1, 1, 1, 1, 0], 1)}},
        # Item 4 is 7, outside 0-3: that row gets an error naming item 4; the others still score.
        {"id": "b", **{str(i): v for i, v in enumerate([0, 0, 0, 7, 0, 0, 0, 0, 0], 1)}},
        # All zero: 0, none/minimal.
        {"id": "c", **{str(i): 0 for i in range(1, 10)}},
    ]
    with source.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["id"] + [str(i) for i in range(1, 10)])
        writer.writeheader()
        writer.writerows(rows)
    out = io.StringIO()
    call_command("measures", "score", "phq9", str(source), stdout=out)
    result = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["id"] for r in result] == ["a", "b", "c"]
    assert result[0]["total"] == "14" and "oderate" in result[0]["band"]
    assert result[1]["total"] == "" and "4" in result[1]["error"]
    assert result[2]["total"] == "0" and result[2]["error"] == ""


def test_unknown_measure_is_refused(tmp_path):
    source = tmp_path / "x.csv"
    source.write_text("1\n0\n")
    with pytest.raises(CommandError):
        call_command("measures", "score", "nonsense", str(source))
