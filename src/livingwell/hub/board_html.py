"""The huddle board's tables, as HTML built once in Python.

A board row is a dozen template variables and conditions; at the board's size the template
engine's per-node cost was most of the page, so the tables (caption, head and rows) are written
here with plain string formatting, every value passed through ``escape``. The markup is the
NHS.UK table's: a visually hidden caption, ``th scope="col"``, and in responsive tables the
column heading repeated in each cell for small screens (hidden from assistive technology).
Status is always in words, never colour alone.
"""

from __future__ import annotations

from html import escape as _escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def escape(value) -> str:
    """HTML-escape a value (the standard library's escape: Django's adds a lazy-string check
    on every call, which at hundreds of cells a page was most of the cost)."""
    return _escape(str(value), quote=True)


def _tag(colour: str, text: str) -> str:
    return f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{escape(text)}</strong>'


class Headings:
    """Column headings and tags, translated (and escaped) once per page."""

    def __init__(self):
        words = {
            "person": _("Person"),
            "reference": _("Reference"),
            "received": _("Received"),
            "tier": _("Tier"),
            "owner_or_key_worker": _("Owner or key worker"),
            "due": _("Due"),
            "last_contact": _("Last contact"),
            "to": _("To"),
            "offered": _("Offered"),
            "owner": _("Owner"),
            "status": _("Status"),
            "measure": _("Measure"),
            "occasion": _("Occasion"),
            "declined_by": _("Declined by"),
            "reason": _("Reason"),
            "reply": _("reply"),
            "you": _("you"),
        }
        for name, text in words.items():
            setattr(self, name, escape(text))
        self.urgent = _tag("red", _("Urgent"))
        self.overdue = _tag("red", _("Overdue"))
        self.unowned = _tag("orange", _("Unowned"))
        self.chase = _tag("red", _("No reply: chase"))
        self.waiting = _tag("blue", _("Waiting"))


def _cell(heading: str, content: str) -> str:
    """A responsive table cell; ``heading`` and ``content`` are already escaped HTML."""
    return (
        '<td role="cell" class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading"'
        f' aria-hidden="true">{heading} </span>{content}</td>'
    )


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def _intro_row(row: dict, h: Headings, last_heading: str) -> str:
    person = _link(row["record_url"], row["person_name"])
    if row["urgent"]:
        person += " " + h.urgent
    owner = escape(row["owner"]) if row["owner"] else h.unowned
    last = escape(row["last"]) + (" " + h.overdue if row["overdue"] else "")
    received = (
        f'{escape(row["received"])}<br><span class="nhsuk-body-s">{escape(row["age_label"])}</span>'
    )
    return (
        '<tr role="row" class="nhsuk-table__row">'
        + _cell(h.person, person)
        + _cell(h.reference, f'<span class="lw-nowrap">{escape(row["reference"])}</span>')
        + _cell(h.received, received)
        + _cell(h.tier, escape(row["tier_name"]))
        + _cell(h.owner_or_key_worker, owner)
        + _cell(last_heading, last)
        + "</tr>"
    )


def _handover_row(row: dict, h: Headings) -> str:
    if row["respond_url"]:
        person = (
            f'<a href="{escape(row["respond_url"])}">{escape(row["person_name"])}: {h.reply}</a>'
        )
    else:
        person = _link(row["record_url"], row["person_name"])
    owner = escape(row["owner"]) + (f" ({h.you})" if row["mine"] else "")
    return (
        '<tr role="row" class="nhsuk-table__row">'
        + _cell(h.person, person)
        + _cell(h.to, escape(row["to"]))
        + _cell(h.offered, escape(row["age_label"]))
        + _cell(h.owner, owner)
        + _cell(h.status, h.chase if row["overdue"] else h.waiting)
        + "</tr>"
    )


def _returned_row(row: dict, h: Headings) -> str:
    cells = (
        _link(row["record_url"], row["person_name"]),
        escape(row["to"]),
        escape(row["decline_reason"]),
        escape(row["owner"]),
    )
    return (
        '<tr class="nhsuk-table__row">'
        + "".join(f'<td class="nhsuk-table__cell">{c}</td>' for c in cells)
        + "</tr>"
    )


def _due_row(row: dict, h: Headings) -> str:
    status = _tag("red" if row["overdue"] else "yellow", row["status"])
    return (
        '<tr role="row" class="nhsuk-table__row">'
        + _cell(h.person, _link(row["record_url"], row["person_name"]))
        + _cell(h.measure, escape(row["title"]))
        + _cell(h.occasion, escape(row["occasion_label"]))
        + _cell(h.due, escape(row["due"]))
        + _cell(h.status, status)
        + "</tr>"
    )


def _head(caption: str, headings: list[str], *, responsive: bool) -> str:
    caption = (
        f'<caption class="nhsuk-table__caption nhsuk-u-visually-hidden">{escape(caption)}</caption>'
    )
    if responsive:
        ths = "".join(f'<th role="columnheader" scope="col">{t}</th>' for t in headings)
        return (
            f'<table class="nhsuk-table-responsive">{caption}'
            f'<thead class="nhsuk-table__head"><tr role="row">{ths}</tr></thead>'
        )
    ths = "".join(f'<th scope="col" class="nhsuk-table__header">{t}</th>' for t in headings)
    return (
        f'<table class="nhsuk-table">{caption}'
        f'<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">{ths}</tr></thead>'
    )


def table(kind: str, slug: str, caption: str, rows: list[dict], h: Headings) -> SafeString:
    """A section's table (or list, for possible duplicates) with these rows."""
    if kind == "match":
        items = "".join(f"<li>{_link(r['url'], r['text'])}</li>" for r in rows)
        return mark_safe(f'<ul class="nhsuk-list nhsuk-list--bullet">{items}</ul>')  # noqa: S308
    if kind == "intro":
        last = h.last_contact if slug == "no-contact" else h.due
        columns = [h.person, h.reference, h.received, h.tier, h.owner_or_key_worker, last]
        body = "".join(_intro_row(r, h, last) for r in rows)
        responsive = True
    elif kind == "handover":
        columns = [h.person, h.to, h.offered, h.owner, h.status]
        body = "".join(_handover_row(r, h) for r in rows)
        responsive = True
    elif kind == "returned":
        columns = [h.person, h.declined_by, h.reason, h.owner]
        body = "".join(_returned_row(r, h) for r in rows)
        responsive = False
    else:  # "due"
        columns = [h.person, h.measure, h.occasion, h.due, h.status]
        body = "".join(_due_row(r, h) for r in rows)
        responsive = True
    head = _head(caption, columns, responsive=responsive)
    # Every value above went through escape(); headings and tags are escaped in Headings.
    return mark_safe(f'{head}<tbody class="nhsuk-table__body">{body}</tbody></table>')  # noqa: S308
