"""``{% outcomes_summary introduction responses as summary %}`` for the record panel include.

``responses``: how many responses the introduction has, when the caller already knows (the record
counts them with its other lists); 0 skips the query. Leave it out (None) otherwise.

``summary.latest``: one row per measure recorded ({measure, title, summary, completed_at, count});
``summary.due``: DueMeasure items (see queries.due_measures) for this introduction.
Two queries whatever the number of responses (the latest of each measure with its count, the
schedule), and only one response per measure loaded.
"""

from django import template

from livingwell.outcomes import queries
from livingwell.outcomes.definitions import get_definition
from livingwell.outcomes.records import summary_text

register = template.Library()


@register.simple_tag
def outcomes_summary(introduction, responses=None):
    newest = queries.latest_by_measure(introduction) if responses != 0 else []
    latest = []
    for last in newest:
        measure = last.measure
        latest.append(
            {
                "measure": measure,
                "title": get_definition(measure).title,
                "summary": summary_text(
                    measure,
                    total=last.total,
                    band=last.band,
                    subscales=last.subscales,
                    metric=last.metric,
                    answers=last.answers,
                    prorated=last.prorated,
                ),
                "completed_at": last.completed_at,
                "count": last.lw_count,
            }
        )
    # The schedule needs only the latest completion date of each measure.
    return {"latest": latest, "due": queries.due_for_introduction(introduction, newest)}
