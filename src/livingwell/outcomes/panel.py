"""The record's outcomes panel (outcomes/_record_panel.html): ``outcomes_summary(introduction)``.

``summary.latest``: one row per measure recorded ({measure, title, summary, completed_at, count}),
in the shipped measure order;
``summary.due``: DueMeasure items (see queries.due_measures) for this introduction.
At most three queries whatever the number of responses (queries.latest_by_measure and the
schedule), and only one response per measure loaded.
"""

from livingwell.outcomes import queries
from livingwell.outcomes.definitions import get_definition
from livingwell.outcomes.records import response_summary


def outcomes_summary(introduction) -> dict:
    newest = queries.latest_by_measure(introduction)
    rows = [
        {
            "measure": last.measure,
            "title": get_definition(last.measure).title,
            "summary": response_summary(last.measure, last),
            "completed_at": last.completed_at,
            "count": last.lw_count,
        }
        for last in newest
    ]
    # The schedule needs only the latest completion date of each measure.
    return {"latest": rows, "due": queries.due_for_introduction(introduction, newest)}
