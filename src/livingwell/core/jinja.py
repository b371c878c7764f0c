"""The Jinja2 environment for the bodies of the busiest pages (ADR 0011).

The record, its history pages and the huddle board render their bodies with Jinja2, which
compiles a template to Python once, instead of walking Django's template nodes on every view:
the record's body cost about 2 ms a view in Django's engine. The page around the body
(base.html: header, menu, footer) stays a Django template, shared with every other page. Words
go through Django's own translation functions, so both engines use the same catalogues, and
dates are shown as Django's ``date`` filter shows them.
"""

from __future__ import annotations

from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr as _linebreaksbr
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment


def _date(value, fmt: str) -> str:
    """As Django's ``|date:fmt``: in the current time zone and language; "" for nothing."""
    if value in (None, ""):
        return ""
    return formats.date_format(template_localtime(value), fmt)


_TRANSLATED: dict[tuple[str, str], str] = {}
_TRANSLATED_MAX = 5000


def _gettext(message: str) -> str:
    """Django's gettext, remembered per language: the catalogues do not change while the process
    runs, and looking a word up walks several of them (most of the body's rendering time)."""
    key = (get_language(), message)
    found = _TRANSLATED.get(key)
    if found is None:
        if len(_TRANSLATED) >= _TRANSLATED_MAX:  # only template literals come here; a bound
            _TRANSLATED.clear()
        found = _TRANSLATED[key] = gettext(message)
    return found


def _url(name: str, *args) -> str:
    return reverse(name, args=args or None)


def _linebreaks(value) -> str:
    """As Django's ``|linebreaksbr``: escaped, with line breaks as <br>."""
    return _linebreaksbr(value, autoescape=True)


def render_with_body(request, page: str, body: str, context: dict):
    """The response of a Django page (a template around base.html showing ``{{ body }}``) whose
    body Jinja2 renders from the same context: the header, menu and footer stay one Django
    template shared by every page."""
    context["user"] = request.user
    # A copy: Django's Jinja2 backend adds its lazy CSRF token to the dict it is given, and in
    # the Django page that token would be worked out (and masked) afresh at every use.
    html = render_to_string(body, {**context}, request, using="jinja2")
    # Jinja2 escaped every value as it rendered (autoescape, settings.TEMPLATES).
    context["body"] = mark_safe(html)  # noqa: S308
    return render(request, page, context)


def environment(**options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - autoescape is set in settings.TEMPLATES
    env.install_gettext_callables(_gettext, ngettext, newstyle=True)
    env.globals.update(url=_url, static=static)
    env.filters.update(date=_date, linebreaksbr=_linebreaks)
    from livingwell.outcomes.panel import outcomes_summary

    env.globals["outcomes_summary"] = outcomes_summary
    return env
