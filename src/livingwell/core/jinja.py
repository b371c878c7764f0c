"""The Jinja2 environment for the bodies of the busiest pages (ADR 0011).

The record, its history pages and the huddle board render their bodies with Jinja2, which
compiles a template to Python once, instead of walking Django's template nodes on every view:
the record's body cost about 2 ms a view in Django's engine. The page around the body
(base.html: header, menu, footer) stays a Django template, shared with every other page. Words
go through Django's own translation functions, so both engines use the same catalogues, and
dates are shown as Django's ``date`` filter shows them.
"""

from __future__ import annotations

import threading

from django.shortcuts import render
from django.template import engines
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.template.defaultfilters import linebreaksbr as _linebreaksbr
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, nodes
from jinja2.visitor import NodeTransformer


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


_CHOICES: dict[tuple, dict] = {}


def _label(obj, name: str) -> str:
    """As ``obj.get_<name>_display()``: the label of the field's value in the current language
    (the value itself when it has none). The field's choices are gathered once per process."""
    key = (type(obj), name)
    choices = _CHOICES.get(key)
    if choices is None:
        choices = _CHOICES[key] = dict(obj._meta.get_field(name).flatchoices)
    value = getattr(obj, name)
    return str(choices.get(value, value))


def _linebreaks(value) -> str:
    """As Django's ``|linebreaksbr``: escaped, with line breaks as <br>."""
    return _linebreaksbr(value, autoescape=True)


def render_with_body(request, page: str, body: str, context: dict):
    """The response of a Django page (a template around base.html showing ``{{ body }}``) whose
    body Jinja2 renders from the same context: the header, menu and footer stay one Django
    template shared by every page."""
    context["user"] = request.user
    template = _in_language(engines["jinja2"].env, get_language()).get_template(body)
    # A copy: with its own CSRF token, as Django's Jinja2 backend gives one (worked out afresh at
    # every use, so kept out of the Django page, whose own token is worked out once).
    html = template.render({**context, **_request_context(request)})
    # Jinja2 escaped every value as it rendered (autoescape, settings.TEMPLATES).
    context["body"] = mark_safe(html)  # noqa: S308
    return render(request, page, context)


def _request_context(request) -> dict:
    """What Django's Jinja2 backend adds to a template's context for a request."""
    return {
        "request": request,
        "csrf_input": csrf_input_lazy(request),
        "csrf_token": csrf_token_lazy(request),
    }


class _Words(NodeTransformer):
    """Writes the translation of each literal ``_("...")`` into the compiled template, as the
    i18n extension's gettext would give it at every render: marked safe, its "%%" made "%"."""

    def __init__(self, language: str):
        self.language = language

    def visit_Call(self, node):  # noqa: N802 - the visitor's naming
        node = self.generic_visit(node)
        if not (
            isinstance(node.node, nodes.Name)
            and node.node.name in ("_", "gettext")
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and not (node.kwargs or node.dyn_args or node.dyn_kwargs)
        ):
            return node
        with translation.override(self.language):
            word = _gettext(node.args[0].value)
        try:
            word = word % {}
        except (KeyError, TypeError, ValueError):  # needs values: left to the render
            return node
        return nodes.MarkSafeIfAutoescape(nodes.Const(word), lineno=node.lineno)


class _Environment(Environment):
    """An environment whose overlays for a language (``_in_language``) compile their templates
    with that language's words already in them."""

    language: str | None = None

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if self.language is None:
            return tree
        return _Words(self.language).visit(tree)


_OVERLAYS: dict[tuple[int, str], Environment] = {}
_OVERLAYS_LOCK = threading.Lock()


def _in_language(env: Environment, language: str) -> Environment:
    """The environment for one language: it compiles and keeps its own templates (an overlay
    shares everything else with ``env``). Words are looked up when a template is compiled, not
    every time it renders: the catalogues do not change while the process runs."""
    key = (id(env), language)
    found = _OVERLAYS.get(key)
    if found is None:
        with _OVERLAYS_LOCK:
            found = _OVERLAYS.get(key)
            if found is None:
                found = env.overlay(cache_size=400)  # its own, not a copy of env's
                found.language = language
                _OVERLAYS[key] = found
    return found


def environment(**options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = _Environment(**options)  # noqa: S701 - autoescape is set in settings.TEMPLATES
    env.install_gettext_callables(_gettext, ngettext, newstyle=True)
    env.globals.update(url=_url, static=static, label=_label)
    env.filters.update(date=_date, linebreaksbr=_linebreaks)
    from livingwell.outcomes.panel import outcomes_summary

    env.globals["outcomes_summary"] = outcomes_summary
    return env
