"""Score a CSV of responses: one row per response, one column per linkId.

Columns whose names are not linkIds are passed through unchanged (person or response ids), so an
analyst can join the output back to their data. Each row is scored on its own: a bad row gets a
message in the ``error`` column and the other rows are still scored.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from typing import IO, Any

from .definitions import get_definition
from .errors import MeasureInputError
from .scoring import score

_WHOLE_NUMBER = re.compile(r"[+-]?\d+(?:\.0+)?")
RESULT_COLUMNS = ("total", "band", "clinical", "prorated", "missing")


@dataclass(frozen=True)
class CsvSummary:
    rows: int
    scored: int
    failed: int


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Enough precision for analysis without float noise such as 4.375000000000001.
        return str(round(value, 4))
    return str(value)


def _parse_row(row: dict[str | None, Any], link_ids: list[str]) -> dict[str, int | None]:
    if row.get(None):
        raise MeasureInputError("row has more fields than the header")
    answers: dict[str, int | None] = {}
    for link_id in link_ids:
        raw = (row.get(link_id) or "").strip()
        if raw == "":
            answers[link_id] = None
        elif _WHOLE_NUMBER.fullmatch(raw):
            answers[link_id] = int(float(raw))
        else:
            raise MeasureInputError(f"item {link_id}: {raw!r} is not a whole number", item=link_id)
    return answers


def score_csv(
    measure: str,
    in_path_or_file: str | os.PathLike[str] | IO[str],
    out_file: IO[str],
) -> CsvSummary:
    """Read responses to ``measure`` from a CSV and write one scored row per response.

    Output columns: ``line`` (the input line number), the passthrough columns, ``total``,
    ``band``, ``clinical``, ``prorated``, ``missing`` (linkIds separated by ``;``), one column per
    subscale, ``metric`` and ``error``. Problems with the header (e.g. a numbered column that is
    not an item of this measure) raise MeasureInputError before any row is written.
    """
    defn = get_definition(measure)
    if isinstance(in_path_or_file, str | os.PathLike):
        with open(in_path_or_file, encoding="utf-8-sig", newline="") as handle:
            return _score_stream(defn.code, handle, out_file)
    return _score_stream(defn.code, in_path_or_file, out_file)


def _score_stream(measure: str, in_file: IO[str], out_file: IO[str]) -> CsvSummary:
    defn = get_definition(measure)
    reader = csv.DictReader(in_file)
    header = reader.fieldnames
    if not header:
        raise MeasureInputError(f"{measure}: the CSV file is empty (no header row)")
    header = [name.strip() for name in header]
    reader.fieldnames = header
    if len(set(header)) != len(header):
        raise MeasureInputError(f"{measure}: the CSV header repeats a column name")
    known = set(defn.link_ids)
    for name in header:
        # A numbered column that is not an item is almost certainly the wrong measure or a
        # typo; passing it through silently would hide answers from the score.
        if name.isdigit() and name not in known:
            raise MeasureInputError(
                f"{measure}: column {name!r} is not an item of {measure} "
                f"(items are {defn.link_ids[0]} to {defn.link_ids[-1]})",
                item=name,
            )
    link_ids = [name for name in header if name in known]
    if not link_ids:
        raise MeasureInputError(f"{measure}: no item columns ({', '.join(defn.link_ids)}) found")
    passthrough = [name for name in header if name not in known]
    subscale_columns = [sub.code for sub in defn.subscales]
    result_columns = ["line", *RESULT_COLUMNS, *subscale_columns, "metric", "error"]
    clash = set(passthrough) & set(result_columns)
    if clash:
        raise MeasureInputError(
            f"{measure}: input columns {', '.join(sorted(clash))} clash with output columns"
        )

    writer = csv.writer(out_file, lineterminator="\n")
    writer.writerow(["line", *passthrough, *result_columns[1:]])
    rows = scored = failed = 0
    for row in reader:
        rows += 1
        out: dict[str, Any] = {name: row.get(name) for name in passthrough}
        try:
            result = score(measure, _parse_row(row, link_ids))
        except MeasureInputError as exc:
            failed += 1
            out["error"] = str(exc)
        else:
            scored += 1
            out.update(
                total=result.total,
                band=result.band,
                clinical=result.clinical,
                prorated=result.prorated,
                missing=";".join(result.missing),
                metric=result.metric,
            )
            out.update(result.subscales)
        writer.writerow(
            [reader.line_num, *(_cell(out.get(c)) for c in passthrough + result_columns[1:])]
        )
    return CsvSummary(rows=rows, scored=scored, failed=failed)
