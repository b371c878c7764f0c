"""The tables each lens of the network dashboard shows (metrics.DEFINITIONS names the lenses).

Above metrics.py and the lenses built on it (outcomes_lens.py, experience.py), so none of them
needs to import another to find its tables.
"""

from __future__ import annotations

from livingwell.insight import metrics
from livingwell.insight.experience import experience_tables
from livingwell.insight.metrics import Dataset, Table
from livingwell.insight.outcomes_lens import outcome_tables, outcomes_by_group


def tables_for(key: str, data: Dataset) -> list[Table]:
    """The true figures of one lens (metrics.DEFINITIONS), each table not yet made safe to show."""
    if key == "equity":
        return [metrics.equity(data, d) for d in metrics.EQUITY_DIMENSIONS] + [
            outcomes_by_group(data, d) for d in metrics.EQUITY_DIMENSIONS
        ]
    if key == "outcomes":
        return outcome_tables(data)
    if key == "experience":
        return experience_tables(data)
    return [
        {
            "introductions": metrics.introductions_by_route,
            "waits": metrics.waits,
            "urgent": metrics.urgent_same_day,
            "open_work": metrics.open_work,
            "handovers": metrics.handovers,
            "returns": metrics.returns,
            "bounced": metrics.bounced,
            "access": metrics.access,
            "relationships": metrics.relationships,
        }[key](data)
    ]
