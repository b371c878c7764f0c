"""Parse and check a site's licensed item wording file (format: docs/measures-wording-format.md).

The platform ships no publisher wording. A site that holds a licence supplies the wording in a
CSV file; this module only reads and validates it, so the checks can be tested without a
database. Storing the wording is the job of the Django side of the app.
"""

from __future__ import annotations

import csv
import os
import unicodedata

from .definitions import MEASURES, get_definition
from .errors import WordingFileError

COLUMNS = ("measure", "link_id", "text")
MAX_TEXT_LENGTH = 1000
_MAX_REPORTED = 20


def _bad_characters(text: str) -> bool:
    # Control characters (other than none at all) would corrupt forms and exports.
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def parse_wording_file(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Return ``{measure: {linkId: text}}`` from a wording CSV, or raise WordingFileError.

    Every problem found is reported at once, each with its line number, so a site can fix the
    file in one pass. A measure that appears must have text for every one of its items: a form
    mixing licensed and demonstration wording would be misleading.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _parse(handle)
    except UnicodeDecodeError as exc:
        raise WordingFileError(f"{path}: the file is not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise WordingFileError(f"{path}: cannot read the file ({exc.strerror})") from exc


def _parse(handle) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(handle)
    header = [name.strip() for name in (reader.fieldnames or [])]
    if sorted(header) != sorted(COLUMNS):
        raise WordingFileError(
            f"line 1: the header must be exactly {', '.join(COLUMNS)} (found {', '.join(header)})"
        )
    reader.fieldnames = header
    problems: list[str] = []
    wording: dict[str, dict[str, str]] = {}
    for row in reader:
        line = reader.line_num
        if row.get(None):
            problems.append(f"line {line}: more fields than the header")
            continue
        measure = (row.get("measure") or "").strip()
        link_id = (row.get("link_id") or "").strip()
        text = (row.get("text") or "").strip()
        if measure not in MEASURES:
            problems.append(f"line {line}: unknown measure {measure!r}")
            continue
        defn = get_definition(measure)
        if link_id not in defn.link_ids:
            problems.append(f"line {line}: {measure} has no item {link_id!r}")
            continue
        if not text:
            problems.append(f"line {line}: {measure} item {link_id} has no text")
            continue
        if len(text) > MAX_TEXT_LENGTH:
            problems.append(
                f"line {line}: {measure} item {link_id} text is longer than "
                f"{MAX_TEXT_LENGTH} characters"
            )
            continue
        if _bad_characters(text):
            problems.append(f"line {line}: {measure} item {link_id} text has control characters")
            continue
        if "not the real wording" in text.lower():
            problems.append(
                f"line {line}: {measure} item {link_id} is the demonstration wording, "
                "not licensed wording"
            )
            continue
        items = wording.setdefault(measure, {})
        if link_id in items:
            problems.append(f"line {line}: {measure} item {link_id} appears twice")
            continue
        items[link_id] = text
    for measure, items in wording.items():
        absent = [i for i in get_definition(measure).link_ids if i not in items]
        if absent:
            problems.append(f"{measure}: no text for item(s) {', '.join(absent)}")
    if not wording and not problems:
        problems.append("the file has no wording rows")
    if problems:
        shown = problems[:_MAX_REPORTED]
        more = len(problems) - len(shown)
        suffix = f"\n... and {more} more problem(s)" if more else ""
        raise WordingFileError("\n".join(shown) + suffix)
    return wording
