"""Measure definitions: FHIR R4 Questionnaire files plus the Living Well scoring rules.

Each shipped measure is one JSON file in ``livingwell/outcomes/measures/``. The file is a FHIR R4
``Questionnaire`` with one extra top-level key, ``"livingwell:scoring"``, that carries everything
FHIR has no place for (scoring method, bands, thresholds, missing-item rule, sources). See
docs/adr/0003-measures-as-data.md for why the rules sit beside the Questionnaire rather than in
FHIR extensions.

The loader checks each file strictly when it is first read, so a malformed definition fails
loudly at import/test time rather than producing a wrong score later.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .errors import DefinitionError, UnknownMeasureError

SCORING_KEY = "livingwell:scoring"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

#: The measures the platform ships, in the order the issue lists them.
MEASURES: tuple[str, ...] = ("dialog", "reqol10", "gbo", "swemwbs", "phq9", "gad7", "core10")

DIRECTIONS = ("higher_is_better", "lower_is_better")
MISSING_RULES = ("refuse", "prorate", "optional_items")
CHANGE_METHODS = ("total_threshold", "per_item_threshold", "jacobson_truax")
CHANGE_BASES = ("total", "metric")


@dataclass(frozen=True)
class Item:
    link_id: str
    label: str
    demo_text: str
    values: frozenset[int]


@dataclass(frozen=True)
class Band:
    start: float
    code: str
    label: str


@dataclass(frozen=True)
class Subscale:
    code: str
    label: str
    method: str  # "mean" or "sum"
    items: tuple[str, ...]


@dataclass(frozen=True)
class MissingRule:
    rule: str  # one of MISSING_RULES
    max_missing: int  # for "prorate"
    min_answered: int  # for "optional_items"


@dataclass(frozen=True)
class ClinicalCutoff:
    value: float
    # "at_or_above": a score >= value is in the clinical range (symptom measures);
    # "below": a score < value is in the clinical range (quality-of-life measures).
    clinical_when: str
    label: str

    def is_clinical(self, score: float) -> bool:
        if self.clinical_when == "at_or_above":
            return score >= self.value
        return score < self.value


@dataclass(frozen=True)
class ChangeRule:
    method: str  # one of CHANGE_METHODS
    basis: str  # "total" or "metric" (ignored for per-item)
    threshold: float | None
    inclusive: bool  # True: a change equal to the threshold counts as reliable
    overall_items: tuple[str, ...]  # per-item method: items that decide the overall category
    recovery: bool  # whether reliable recovery is defined (needs a clinical cut-off)
    sd: float | None  # Jacobson-Truax only
    reliability: float | None  # Jacobson-Truax only


@dataclass(frozen=True)
class Definition:
    code: str
    title: str
    direction: str
    items: tuple[Item, ...]
    total_method: str | None  # "sum", "mean" or None (no total, e.g. DIALOG, GBO)
    subscales: tuple[Subscale, ...]
    missing: MissingRule
    bands: tuple[Band, ...]
    clinical_cutoff: ClinicalCutoff | None
    metric_table: dict[int, float] | None
    change: ChangeRule
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def link_ids(self) -> tuple[str, ...]:
        return tuple(item.link_id for item in self.items)

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def questionnaire(self) -> dict[str, Any]:
        """The pure FHIR R4 Questionnaire, without the Living Well scoring key."""
        return {k: v for k, v in self.raw.items() if k != SCORING_KEY}

    def band_for(self, total: float) -> Band | None:
        found = None
        for band in self.bands:
            if total >= band.start:
                found = band
        return found


def _fail(code: str, message: str) -> DefinitionError:
    return DefinitionError(f"measure definition {code!r}: {message}")


def _option_value(code: str, link_id: str, option: dict[str, Any]) -> int:
    """Numeric value of a FHIR answerOption: valueInteger, or valueCoding + ordinalValue."""
    if "valueInteger" in option:
        value = option["valueInteger"]
    else:
        coding = option.get("valueCoding")
        if coding is None:
            raise _fail(code, f"item {link_id}: answerOption needs valueInteger or valueCoding")
        ordinals = [
            ext.get("valueDecimal")
            for ext in coding.get("extension", []) + option.get("extension", [])
            if ext.get("url") == ORDINAL_VALUE_URL
        ]
        if len(ordinals) != 1:
            raise _fail(code, f"item {link_id}: option needs exactly one ordinalValue extension")
        value = ordinals[0]
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise _fail(code, f"item {link_id}: option value {value!r} is not a whole number")
    return int(value)


def _parse(code: str, raw: dict[str, Any]) -> Definition:
    if raw.get("resourceType") != "Questionnaire":
        raise _fail(code, "resourceType must be Questionnaire")
    if raw.get("id") != code or raw.get("name") is None or raw.get("url") is None:
        raise _fail(code, "id must equal the measure code; name and url are required")
    if raw.get("status") not in ("draft", "active", "retired", "unknown"):
        raise _fail(code, "status is not a FHIR publication status")
    rules = raw.get(SCORING_KEY)
    if not isinstance(rules, dict):
        raise _fail(code, f"missing {SCORING_KEY!r} object")

    items: list[Item] = []
    for position, entry in enumerate(raw.get("item", []), start=1):
        link_id = entry.get("linkId")
        # linkIds are the published item numbers, in order: "1".."n" (issue 4).
        if link_id != str(position):
            raise _fail(code, f"item {position} has linkId {link_id!r}, expected '{position}'")
        if entry.get("type") not in ("choice", "integer"):
            raise _fail(code, f"item {link_id}: type must be choice or integer")
        text = entry.get("text", "")
        if "not the real wording" not in text:
            # Guard against publisher wording slipping into the repository.
            raise _fail(code, f"item {link_id}: text must say it is not the real wording")
        values = frozenset(_option_value(code, link_id, o) for o in entry.get("answerOption", []))
        if not values:
            raise _fail(code, f"item {link_id}: no answerOption")
        # Short labels are facts (e.g. DIALOG domain names), not publisher sentences.
        label = rules.get("item_labels", {}).get(link_id, f"Item {link_id}")
        items.append(Item(link_id, label, text, values))
    if not items:
        raise _fail(code, "no items")
    link_ids = {item.link_id for item in items}

    def known(ids: list[str], where: str) -> tuple[str, ...]:
        for link_id in ids:
            if link_id not in link_ids:
                raise _fail(code, f"{where} names unknown item {link_id!r}")
        return tuple(ids)

    direction = rules.get("direction")
    if direction not in DIRECTIONS:
        raise _fail(code, f"direction must be one of {DIRECTIONS}")
    total_method = rules.get("total", {}).get("method")
    if total_method not in ("sum", "mean", None):
        raise _fail(code, "total.method must be sum, mean or null")

    subscales = tuple(
        Subscale(s["code"], s["label"], s["method"], known(s["items"], f"subscale {s['code']}"))
        for s in rules.get("subscales", [])
    )
    for sub in subscales:
        if sub.method not in ("sum", "mean"):
            raise _fail(code, f"subscale {sub.code}: method must be sum or mean")

    missing_raw = rules.get("missing", {})
    missing = MissingRule(
        rule=missing_raw.get("rule"),
        max_missing=int(missing_raw.get("max_missing", 0)),
        min_answered=int(missing_raw.get("min_answered", len(items))),
    )
    if missing.rule not in MISSING_RULES:
        raise _fail(code, f"missing.rule must be one of {MISSING_RULES}")
    if not missing_raw.get("source"):
        raise _fail(code, "missing.source must cite where the rule comes from")

    bands = tuple(Band(b["from"], b["code"], b["label"]) for b in rules.get("bands", []))
    if [b.start for b in bands] != sorted(b.start for b in bands):
        raise _fail(code, "bands must be in ascending order of 'from'")

    cutoff_raw = rules.get("clinical_cutoff")
    cutoff = None
    if cutoff_raw is not None:
        if cutoff_raw.get("clinical_when") not in ("at_or_above", "below"):
            raise _fail(code, "clinical_cutoff.clinical_when must be at_or_above or below")
        cutoff = ClinicalCutoff(
            cutoff_raw["value"], cutoff_raw["clinical_when"], cutoff_raw.get("label", "")
        )

    metric_table = None
    if "metric" in rules:
        metric_table = {int(k): float(v) for k, v in rules["metric"]["table"].items()}
        low = sum(min(i.values) for i in items)
        high = sum(max(i.values) for i in items)
        if sorted(metric_table) != list(range(low, high + 1)):
            raise _fail(code, f"metric table must cover every raw total {low}..{high}")

    change_raw = rules.get("change", {})
    change = ChangeRule(
        method=change_raw.get("method"),
        basis=change_raw.get("basis", "total"),
        threshold=change_raw.get("threshold"),
        inclusive=bool(change_raw.get("inclusive", True)),
        overall_items=known(change_raw.get("overall_items", []), "change.overall_items"),
        recovery=bool(change_raw.get("recovery", False)),
        sd=change_raw.get("sd"),
        reliability=change_raw.get("reliability"),
    )
    if change.method not in CHANGE_METHODS:
        raise _fail(code, f"change.method must be one of {CHANGE_METHODS}")
    if change.basis not in CHANGE_BASES:
        raise _fail(code, f"change.basis must be one of {CHANGE_BASES}")
    if change.basis == "metric" and metric_table is None:
        raise _fail(code, "change.basis is metric but there is no metric table")
    if change.method in ("total_threshold", "per_item_threshold"):
        if not isinstance(change.threshold, int | float) or change.threshold <= 0:
            raise _fail(code, "change.threshold must be a positive number")
    if change.method == "per_item_threshold" and not change.overall_items:
        raise _fail(code, "per-item change needs overall_items")
    if change.method == "total_threshold" and total_method is None:
        raise _fail(code, "a total-based change rule needs a total")
    if change.method == "jacobson_truax":
        if not (isinstance(change.sd, int | float) and change.sd > 0):
            raise _fail(code, "Jacobson-Truax needs a positive sd")
        r = change.reliability
        if not (isinstance(r, int | float) and 0 <= r < 1 and not math.isnan(r)):
            raise _fail(code, "Jacobson-Truax needs a reliability in [0, 1)")
    if change.recovery and cutoff is None:
        raise _fail(code, "reliable recovery needs a clinical_cutoff")
    if not change_raw.get("source"):
        raise _fail(code, "change.source must cite where the thresholds come from")
    for key in ("licence", "citation"):
        if not rules.get(key):
            raise _fail(code, f"{key} is required")

    return Definition(
        code=code,
        title=raw.get("title", code),
        direction=direction,
        items=tuple(items),
        total_method=total_method,
        subscales=subscales,
        missing=missing,
        bands=bands,
        clinical_cutoff=cutoff,
        metric_table=metric_table,
        change=change,
        raw=raw,
    )


def definition_from_dict(code: str, raw: dict[str, Any]) -> Definition:
    """Build a definition from an in-memory document (used by tests and by future site measures)."""
    return _parse(code, raw)


def get_definition(measure: str) -> Definition:
    """The shipped definition of ``measure``, read once from the package data."""
    if not isinstance(measure, str) or measure not in MEASURES:
        raise UnknownMeasureError(
            f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}",
            measure=measure if isinstance(measure, str) else None,
        )
    return _load(measure)


@functools.cache
def _load(measure: str) -> Definition:
    text = resources.files(__package__).joinpath("measures", f"{measure}.json").read_text("utf-8")
    return _parse(measure, json.loads(text))
