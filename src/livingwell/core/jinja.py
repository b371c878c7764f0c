"""The Jinja2 environment of the huddle board's body, the last page body still in Jinja2.

To be deleted, with body_page.html, the "jinja2" entry of settings.TEMPLATES and the Jinja2
dependency, once the board is a Django template like every other page.
"""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from jinja2 import Environment


def render_with_body(request, title: str, body: str, context: dict):
    """The page whose body Jinja2 renders from ``context``, inside the site's layout
    (``body_page.html``, extending base.html), titled ``title`` (plain text)."""
    html = render_to_string(body, context, request=request, using="jinja2")
    # Jinja2 escaped every value as it rendered (autoescape, settings.TEMPLATES).
    page = {**context, "title": title, "body": mark_safe(html)}  # noqa: S308
    return render(request, "body_page.html", page)


def _url(name: str, *args) -> str:
    return reverse(name, args=args or None)


def environment(**options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - autoescape is set in settings.TEMPLATES
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["url"] = _url
    return env
