"""``{% outcomes_summary introduction as summary %}`` for the record panel include.

``summary.latest``: one row per measure recorded ({measure, title, summary, completed_at, count});
``summary.due``: DueMeasure items (see queries.due_measures) for this introduction.
Two queries whatever the number of responses (the responses, the schedule).
"""

from django import template

from livingwell.outcomes import queries
from livingwell.outcomes.definitions import get_definition
from livingwell.outcomes.records import summary_text

register = template.Library()


@register.simple_tag
def outcomes_summary(introduction):
    responses = queries.responses_for(introduction)
    grouped = queries.by_measure(responses)
    latest = []
    for measure, responses in grouped.items():
        last = responses[-1]
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
                "count": len(responses),
            }
        )
    return {"latest": latest, "due": queries.due_for_introduction(introduction, responses)}
