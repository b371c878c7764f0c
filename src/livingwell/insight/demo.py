"""Demo data for insight: the synthetic population table, loaded by the seed command."""

from __future__ import annotations

from pathlib import Path

DEMO_POPULATION = Path(__file__).parent / "data" / "demo_population.csv"


def load_demo_population(**_ignored) -> dict[str, int]:
    """Load the shipped synthetic population (an inner-London-like borough of 300,000)."""
    from livingwell.insight.actions import import_population

    return import_population(by=None, text=DEMO_POPULATION.read_text(encoding="utf-8"))
