"""The record's outcomes panel: ``outcomes_summary(introduction, responses, latest, schedules)``,
called by its Jinja2 template (outcomes/jinja2/outcomes/_record_panel.html; ADR 0011).

``responses``: how many responses the introduction has, when the caller already knows; 0 skips the
query. Leave it out (None) otherwise.
``latest``: the latest response of each measure (objects with the MeasureResponse fields the panel
shows and ``lw_count``), in the shipped measure order, when the caller has read them (the record
reads them with its lists: see hub/record_queries.py); ``schedules``: the active measure
schedules, likewise. Left out (not a list), they are read here.

``summary.latest``: one row per measure recorded ({measure, title, summary, completed_at,
completed_on (as |date:"j M Y" shows it), count});
``summary.due``: DueMeasure items (see queries.due_measures) for this introduction;
``summary.links``: the panel's links ({person, dialog, reqol10, gbo, send_link}).
Two queries whatever the number of responses (the latest of each measure with its count, the
schedule), and only one response per measure loaded.
"""

import uuid

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.dates import MONTHS_3

from livingwell.outcomes import queries
from livingwell.outcomes.definitions import get_definition
from livingwell.outcomes.records import response_summary

_MARKER = uuid.UUID(int=0)
_LINKS: dict[tuple, dict[str, str]] = {}


def _day(value) -> str:
    """A date as ``|date:"j M Y"`` shows it (the filter costs several times more)."""
    return f"{value.day} {str(MONTHS_3[value.month]).title()} {value.year}"


def _links(introduction_id) -> dict[str, str]:
    """The panel's links, reversed once per process (and script prefix) and filled in by a string
    replace: reversing each of them on every record view cost more than the rest of the panel."""
    prefix = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    templates = _LINKS.get(prefix)
    if templates is None:
        templates = _LINKS[prefix] = {
            "person": reverse("outcomes:person", args=[_MARKER]),
            **{
                m: reverse("outcomes:record", args=[_MARKER, m])
                for m in ("dialog", "reqol10", "gbo")
            },
            "send_link": reverse("outcomes:send_link", args=[_MARKER]),
        }
    marker, pk = str(_MARKER), str(introduction_id)
    return {name: url.replace(marker, pk) for name, url in templates.items()}


def outcomes_summary(introduction, responses=None, latest=None, schedules=None):
    if isinstance(latest, list):
        newest = latest
    else:
        newest = queries.latest_by_measure(introduction) if responses != 0 else []
    preloaded = schedules if isinstance(schedules, list) else None
    rows = []
    for last in newest:
        measure = last.measure
        rows.append(
            {
                "measure": measure,
                "title": get_definition(measure).title,
                "summary": response_summary(measure, last),
                "completed_at": last.completed_at,
                "completed_on": _day(last.completed_at),
                "count": last.lw_count,
            }
        )
    # The schedule needs only the latest completion date of each measure.
    due = queries.due_for_introduction(introduction, newest, schedules=preloaded)
    return {"latest": rows, "due": due, "links": _links(introduction.pk)}
