"""The outcomes lens: measures completed and paired, reliable change, recovery, goals, framework.

True figures only: counts are made safe to show by ``metrics.Disclosure`` like every other table.
Change is never recomputed here: each pair goes through ``livingwell.outcomes.change`` (the NHS
England method as the measure's definition file states it; ``metrics.collect``), so the lens
always agrees with the record page.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from livingwell.insight.metrics import (
    DIMENSION_LABELS,
    Column,
    Dataset,
    OutcomeData,
    Table,
    collect,
    group_label,
    group_of,
    groups_in_order,
)
from livingwell.outcomes import (
    DETERIORATION,
    IMPROVEMENT,
    MEASURES,
    NO_CHANGE,
    get_definition,
)

GOAL_MEASURE = "gbo"
DIALOG = "dialog"
RECOVERY_MEASURE = "reqol10"


def _title(measure: str) -> str:
    return get_definition(measure).title


def completion(od: OutcomeData) -> Table:
    table = Table(
        "outcomes_completion",
        _("Measures completed and paired"),
        [
            Column(_("Measure")),
            Column(_("People in support"), "count"),
            Column(_("With a first answer (baseline)"), "count"),
            Column(_("Share with a baseline"), "rate"),
            Column(_("Paired: first and latest compared"), "count"),
            Column(_("Paired, of those with a baseline"), "rate"),
        ],
    )
    base, paired = len(od.with_baseline), len(od.with_pair)
    table.rows.append(
        [_("Any measure"), od.cohort, base, (base, od.cohort), paired, (paired, base)]
    )
    for measure in MEASURES:
        base = len(od.baseline_by_measure.get(measure, ()))
        paired = len(od.pairs.get(measure, ()))
        table.rows.append(
            [_title(measure), od.cohort, base, (base, od.cohort), paired, (paired, base)]
        )
    return table


def _split(categories: list[str]) -> tuple[int, int, int]:
    return (
        sum(1 for c in categories if c == IMPROVEMENT),
        sum(1 for c in categories if c == NO_CHANGE),
        sum(1 for c in categories if c == DETERIORATION),
    )


def _change_columns(first: str, counted: str) -> list[Column]:
    return [
        Column(first),
        Column(counted, "count"),
        Column(_("Reliable improvement"), "count"),
        Column(_("No reliable change"), "count"),
        Column(_("Reliable deterioration"), "count"),
        Column(_("Share improved"), "rate"),
        Column(_("Share with no reliable change"), "rate"),
        Column(_("Share deteriorated"), "rate"),
    ]


def _change_row(label: str, categories: list[str]) -> list:
    n = len(categories)
    up, same, down = _split(categories)
    return [label, n, up, same, down, (up, n), (same, n), (down, n)]


def reliable_change(od: OutcomeData) -> Table:
    table = Table(
        "outcomes_change",
        _("Reliable change from the first to the latest answer, by measure"),
        _change_columns(_("Measure"), _("People with a pair")),
    )
    for measure in MEASURES:
        table.rows.append(
            _change_row(_title(measure), [p.category for p in od.pairs.get(measure, [])])
        )
    table.notes.append(
        _(
            "PHQ-9 and GAD-7 are counted here on their own; NHS Talking Therapies recovery, "
            "which needs both, is not part of this table."
        )
    )
    return table


def recovery(od: OutcomeData) -> Table:
    pairs = od.pairs.get(RECOVERY_MEASURE, [])
    cutoff = get_definition(RECOVERY_MEASURE).clinical_cutoff
    started_clinical = [
        p for p in pairs if p.first_total is not None and cutoff.is_clinical(p.first_total)
    ]
    recovered = sum(1 for p in started_clinical if p.reliable_recovery)
    table = Table(
        "outcomes_recovery",
        _("ReQoL-10 reliable recovery"),
        [
            Column(_("Measure")),
            Column(_("People with a pair"), "count"),
            Column(_("First score in the clinical range (below 25)"), "count"),
            Column(_("Reliable recovery"), "count"),
            Column(_("Reliable recovery, of those starting in the clinical range"), "rate"),
        ],
    )
    table.rows.append(
        [
            _title(RECOVERY_MEASURE),
            len(pairs),
            len(started_clinical),
            recovered,
            (recovered, len(started_clinical)),
        ]
    )
    return table


def goals(od: OutcomeData) -> Table:
    pairs = od.pairs.get(GOAL_MEASURE, [])
    per_goal = [c for p in pairs for c in (p.items or {}).values()]
    table = Table(
        "outcomes_goals",
        _("Goal progress (Goal-Based Outcomes)"),
        _change_columns(_("Counted"), _("Number")),
    )
    table.rows.append(_change_row(_("Goals rated at the start and since"), per_goal))
    table.rows.append(
        _change_row(_("People (all their goals together)"), [p.category for p in pairs])
    )
    return table


def _combine(categories: list[str]) -> str:
    """Improved on something and worse on nothing = improvement; the reverse = deterioration."""
    up = IMPROVEMENT in categories
    down = DETERIORATION in categories
    if up and not down:
        return IMPROVEMENT
    if down and not up:
        return DETERIORATION
    return NO_CHANGE


def framework(od: OutcomeData, outcomes: list[dict], version: int) -> Table:
    table = Table(
        "outcomes_framework",
        _("The site's outcome framework, outcome by outcome"),
        _change_columns(_("Outcome"), _("People with evidence")),
    )
    for outcome in outcomes:
        evidence: dict[object, list[str]] = defaultdict(list)
        for measure in outcome.get("measures", []):
            for p in od.pairs.get(measure, []):
                evidence[p.introduction_id].append(p.category)
        domains = outcome.get("dialog_domains", [])
        if domains:
            for p in od.pairs.get(DIALOG, []):
                cats = [c for i, c in (p.items or {}).items() if i in domains]
                if cats:
                    evidence[p.introduction_id].extend(cats)
        if outcome.get("goals"):
            for p in od.pairs.get(GOAL_MEASURE, []):
                evidence[p.introduction_id].extend((p.items or {}).values())
        table.rows.append(
            _change_row(outcome["title"], [_combine(c) for c in evidence.values() if c])
        )
    table.notes.append(
        _("The site's framework, version {v}.").format(v=version)
        if version
        else _("The Living Well default outcomes (this site has not saved its own framework).")
    )
    return table


def person_results(data: Dataset, od: OutcomeData | None = None) -> dict[object, str]:
    """Each person's overall result: every category from every pair of every one of their
    introductions in support, combined as the framework does (improved on something and worse
    on nothing = improvement; the reverse = deterioration; otherwise no reliable change)."""
    od = od or collect(data)
    person_of = {row["id"]: row["person_id"] for row in data.in_support}
    evidence: dict[object, list[str]] = defaultdict(list)
    for pairs in od.pairs.values():
        for p in pairs:
            if p.introduction_id in person_of:
                evidence[person_of[p.introduction_id]].append(p.category)
    return {person: _combine(cats) for person, cats in evidence.items()}


def outcomes_by_group(data: Dataset, dimension: str) -> Table:
    """Reliable change per group of one equity dimension (ethnic group, age band, sex, gender,
    deprivation decile), one person counted once with their overall result.

    A person's group comes from the earliest of their introductions in support (the age band is
    their age when that introduction arrived; the other dimensions are the same on each one).
    The table also carries the network's counts, for the stated gaps (``Disclosure``).
    """
    results = person_results(data, data.outcome_data)
    person_group: dict[object, str] = {}
    for row in sorted(data.in_support, key=lambda r: r["received_at"]):
        person_group.setdefault(row["person_id"], group_of(dimension, row))
    by_group: dict[str, list[str]] = defaultdict(list)
    for person, category in results.items():
        by_group[person_group[person]].append(category)
    table = Table(
        f"equity_outcomes_{dimension}",
        _("{dimension}: reliable change for people with a pair of answers").format(
            dimension=DIMENSION_LABELS[dimension]
        ),
        _change_columns(str(DIMENSION_LABELS[dimension]), _("People with a pair")),
    )
    outcome_gaps = []
    for group in groups_in_order(dimension, set(by_group), {}):
        categories = by_group.get(group, [])
        table.rows.append(_change_row(group_label(dimension, group), categories))
        up, _same, down = _split(categories)
        outcome_gaps.append((group_phrase(dimension, group), len(categories), up, down))
    up, _same, down = _split(list(results.values()))
    table.outcome_gaps = outcome_gaps  # type: ignore[attr-defined]
    table.outcome_network = (len(results), up, down)  # type: ignore[attr-defined]
    return table


def group_phrase(dimension: str, group: str) -> str:
    """How a group is named at the start of a sentence about it ("People aged 18–24")."""
    if group == "not_recorded":
        return _("People whose {dimension} is not recorded").format(
            dimension=str(DIMENSION_LABELS[dimension]).lower()
        )
    if dimension == "ethnicity":
        return {
            "asian": _("Asian people"),
            "black": _("Black people"),
            "mixed": _("People of mixed or multiple ethnicity"),
            "white": _("White people"),
            "other": _("People of another ethnic group"),
            "not_stated": _("People who chose not to state their ethnic group"),
        }.get(group, group_label(dimension, group))
    if dimension == "age_band":
        if group == "under_18":
            return _("People under 18")
        if group == "65_plus":
            return _("People aged 65 and over")
        return _("People aged {band}").format(band=group.replace("_", "–"))
    if dimension == "sex":
        return {
            "female": _("People recorded as female"),
            "male": _("People recorded as male"),
            "not_said": _("People who preferred not to say their sex"),
        }.get(group, _("People recorded as {sex}").format(sex=group))
    if dimension == "gender":
        return {
            "woman": _("Women"),
            "man": _("Men"),
            "non_binary": _("Non-binary people"),
            "other": _("People who described their gender in other words"),
        }.get(group, group)
    if dimension == "deprivation":
        return _("People in deprivation decile {n}").format(n=group)
    return group


def outcome_tables(data: Dataset) -> list[Table]:
    from livingwell.outcomes.queries import current_framework

    od = data.outcome_data
    version, outcomes = current_framework()
    return [
        completion(od),
        reliable_change(od),
        recovery(od),
        goals(od),
        framework(od, outcomes, version),
    ]


__all__ = ["group_phrase", "outcome_tables", "outcomes_by_group", "person_results"]
