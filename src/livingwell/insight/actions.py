"""Insight state changes: importing the local population table."""

from __future__ import annotations

import csv
import io

from django.db import transaction

from livingwell.access import audit
from livingwell.insight.models import PopulationGroup

DIMENSIONS = set(PopulationGroup.Dimension.values)


class PopulationImportError(ValueError):
    """The file cannot be imported; the message says which line and why."""


def parse_population(text: str) -> list[tuple[str, str, int]]:
    """Rows of ``dimension,group,count`` (with that header), checked line by line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != [
        "dimension",
        "group",
        "count",
    ]:
        raise PopulationImportError("The first line must be the header: dimension,group,count")
    rows: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        dimension = (row.get("dimension") or "").strip()
        group = (row.get("group") or "").strip()
        raw = (row.get("count") or "").strip()
        if dimension not in DIMENSIONS:
            raise PopulationImportError(
                f"Line {line}: unknown dimension {dimension!r}; "
                f"use one of {', '.join(sorted(DIMENSIONS))}."
            )
        if not group or len(group) > 40:
            raise PopulationImportError(f"Line {line}: the group must be 1 to 40 characters.")
        if not raw.isdigit():
            raise PopulationImportError(
                f"Line {line}: the count must be a whole number, not {raw!r}."
            )
        if (dimension, group) in seen:
            raise PopulationImportError(f"Line {line}: {dimension} {group} appears twice.")
        seen.add((dimension, group))
        rows.append((dimension, group, int(raw)))
    if not rows:
        raise PopulationImportError("The file has no rows.")
    return rows


@transaction.atomic
def import_population(*, by, text: str) -> dict[str, int]:
    """Replace the population table for every dimension in the file. All or nothing."""
    rows = parse_population(text)
    dimensions = sorted({d for d, _g, _c in rows})
    PopulationGroup.objects.filter(dimension__in=dimensions).delete()
    PopulationGroup.objects.bulk_create(
        PopulationGroup(dimension=d, group=g, count=c) for d, g, c in rows
    )
    summary = {d: sum(1 for r in rows if r[0] == d) for d in dimensions}
    audit.record(
        by=by, action="insight.population_import", category="insight", detail={"groups": summary}
    )
    return summary
