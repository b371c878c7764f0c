"""Postcode district centroids, imported from a file (no geocoding service at run time).

Accepts a CSV with columns outcode, latitude, longitude (and optionally name), or an ONS-style
file with pcds/lat/long (full postcodes), from which each district's centroid is the mean of its
postcodes.

The whole file is read and checked before anything is written (a bad row stores nothing), then
the districts are stored in short batches, each atomic and audited: on SQLite a transaction that
writes holds the database's single write lock, and reading a national file takes a while.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from livingwell.access.audit import record
from livingwell.directory.models import PostcodeDistrict
from livingwell.directory.queries import outcode

DEMO_FILE = Path(__file__).parent / "data" / "demo_postcode_districts.csv"
BATCH_ROWS = 200  # districts per transaction (as for the directory import: actions.BATCH_ROWS)


class CentroidFileError(ValueError):
    pass


def import_centroids(*, by, path) -> int:
    """Read the whole file, then store its districts a batch at a time; returns how many."""
    districts = read_centroids(path)
    codes = sorted(districts)
    batches = [codes[i : i + BATCH_ROWS] for i in range(0, len(codes), BATCH_ROWS)] or [[]]
    for number, batch in enumerate(batches, start=1):
        _store(by=by, districts=districts, codes=batch, at=(number, len(batches)))
    return len(districts)


@transaction.atomic
def _store(*, by, districts: dict, codes: list[str], at: tuple[int, int]) -> None:
    for code in codes:
        PostcodeDistrict.objects.update_or_create(outcode=code, defaults=districts[code])
    record(
        by=by,
        action="directory.postcodes.import",
        category="directory",
        purpose="directory",
        detail={"districts": len(districts), "batch": at[0], "batches": at[1]},
    )


def read_centroids(path) -> dict[str, dict]:
    """{outcode: {"latitude", "longitude", "name"}} from the file; reads only."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    names: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = {c.lower(): c for c in reader.fieldnames or []}
        code_col = cols.get("outcode") or cols.get("pcds") or cols.get("postcode")
        lat_col, lon_col = (
            cols.get("latitude") or cols.get("lat"),
            cols.get("longitude") or cols.get("long"),
        )
        if not (code_col and lat_col and lon_col):
            raise CentroidFileError(
                f"{Path(path).name}: needs columns outcode (or pcds), latitude (or lat), "
                "longitude (or long)"
            )
        for i, row in enumerate(reader, start=2):
            code = outcode(row[code_col] or "")
            try:
                lat, lon = float(row[lat_col]), float(row[lon_col])
            except (TypeError, ValueError):
                raise CentroidFileError(
                    f"{Path(path).name} row {i}: latitude/longitude are not numbers"
                ) from None
            if code is None:
                raise CentroidFileError(
                    f"{Path(path).name} row {i}: {row[code_col]!r} is not a UK postcode"
                )
            if not (49 <= lat <= 61 and -9 <= lon <= 2.5):
                raise CentroidFileError(f"{Path(path).name} row {i}: not a UK coordinate")
            s = sums[code]
            s[0] += lat
            s[1] += lon
            s[2] += 1
            if cols.get("name") and row.get(cols["name"]):
                names[code] = row[cols["name"]][:100]
    return {
        code: {"latitude": lat / n, "longitude": lon / n, "name": names.get(code, "")}
        for code, (lat, lon, n) in sums.items()
    }
