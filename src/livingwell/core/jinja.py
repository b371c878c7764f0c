"""The Jinja2 environment for the bodies of the busiest pages (ADR 0011).

The record, its history pages and the huddle board render their bodies with Jinja2, which
compiles a template to Python once, instead of walking Django's template nodes on every view:
the record's body cost about 2 ms a view in Django's engine. The page around the body
(base.html: header, menu, footer) stays a Django template, shared with every other page. Words
go through Django's own translation functions, so both engines use the same catalogues, and
dates are shown as Django's ``date`` filter shows them.
"""

from __future__ import annotations

import re
import threading

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import engines
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.template.defaultfilters import linebreaksbr as _linebreaksbr
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.html import escape
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


def render_with_body(request, title: str, body: str, context: dict):
    """The response of a page whose body Jinja2 renders from ``context``, inside the site's one
    page layout (``base.html``: header, menu, footer, messages), titled ``title`` (plain text).

    The layout around the body is the same for every such page with the same site settings,
    menu and sign-in state, so it is rendered once per process for each (``_frame``) and only
    the title, the body and the CSRF token are put into it for each request. A request with
    messages to show gets the layout rendered in full, as every other page does."""
    context["user"] = request.user
    template = _in_language(engines["jinja2"].env, get_language()).get_template(body)
    # A copy: with its own CSRF token, as Django's Jinja2 backend gives one (worked out afresh at
    # every use, so kept out of the Django page, whose own token is worked out once).
    html = template.render({**context, **_request_context(request)})
    # Jinja2 escaped every value as it rendered (autoescape, settings.TEMPLATES).
    if _has_messages(request):
        return _full_page(request, title, html, context)
    return HttpResponse(_framed(request, title, html))


def _has_messages(request) -> bool:
    """Whether the request has messages to show (counted without marking them shown)."""
    stored = getattr(request, "_messages", None)
    return stored is not None and len(stored) > 0


def _full_page(request, title: str, html: str, context: dict):
    """The page rendered by Django in full (context processors, messages and all)."""
    context["title"] = title
    context["body"] = mark_safe(html)  # noqa: S308 - escaped by Jinja2 as it rendered
    return render(request, "body_page.html", context)


# Stand-ins rendered into a frame where each request's own values go (letters only, so that
# escaping leaves them as they are).
_TITLE, _BODY, _TOKEN = "lwframetitleqzx", "lwframebodyqzx", "lwframetokenqzx"
_SLOTS = re.compile(f"({_TITLE}|{_BODY}|{_TOKEN})")
_FRAMES: dict[tuple, list] = {}
_FRAMES_MAX = 500  # distinct keys are few (languages x menus x sign-in states); a backstop


class _FrameUser:
    """All that base.html reads of the user (the frame's key holds both)."""

    def __init__(self, authenticated: bool, verified: bool):
        self.is_authenticated = authenticated
        self._verified = verified

    def is_verified(self) -> bool:
        return self._verified


def _framed(request, title: str, html: str) -> str:
    """The page: its frame (see _frame) with this request's title, body and CSRF token."""
    values = {_TITLE: escape(title), _BODY: html, _TOKEN: get_token(request)}
    return "".join(values.get(piece, piece) for piece in _frame(request))


def _frame(request) -> list:
    """body_page.html rendered from only the values its layout shows (so the result depends on
    nothing else, and is kept for them): the site's name and area, the menu, whether the user
    is signed in and has passed MFA, and the language and addresses. No messages; stand-ins
    for the title, the body and the CSRF token. Split into pieces around the stand-ins."""
    from livingwell.access.context_processors import staff_nav
    from livingwell.core.context_processors import site

    shown = {**site(request), **staff_nav(request)}
    user = request.user
    authenticated = bool(user.is_authenticated)
    verified = bool(authenticated and user.is_verified())
    nav = tuple(tuple(sorted(item.items())) for item in shown.get("staff_nav", ()))
    key = (
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        shown["site_name"],
        shown["site_area"],
        authenticated,
        verified,
        nav,
    )
    found = _FRAMES.get(key)
    if found is None:
        html = render_to_string(
            "body_page.html",
            {
                "site_name": shown["site_name"],
                "site_area": shown["site_area"],
                "staff_nav": shown.get("staff_nav", []),
                "user": _FrameUser(authenticated, verified),
                "messages": (),
                "csrf_token": _TOKEN,
                "title": _TITLE,
                "body": mark_safe(_BODY),  # noqa: S308 - a stand-in of letters
            },
        )
        found = [piece for piece in _SLOTS.split(html) if piece]
        if len(_FRAMES) >= _FRAMES_MAX:
            _FRAMES.clear()
        _FRAMES[key] = found
    return found


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
