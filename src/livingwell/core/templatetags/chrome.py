"""`{% chrome %}`: the page chrome (header, menu, urgent-help strip, footer) rendered once per
process for each set of values it shows, then reused.

    {% chrome "header" site_name user.is_authenticated staff_nav %}...{% endchrome %}

The fragment is keyed by its name, the active language, the script prefix and URLconf (for its
`{% url %}` tags) and the values listed after the name. Everything the fragment's markup depends
on MUST be listed: the cache has no other way of knowing. Never put person data, per-request
values (the CSRF token, messages) or anything that can change at run time without being listed
inside one; leave those outside, between fragments. Values are read afresh on every request
(site settings, the user's permissions), so a change shows at once: the key changes with them.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_RENDERED: dict[tuple, str] = {}
_LIMIT = 2000  # distinct keys are few (languages x permission sets x sections); a backstop only


class _Unkeyable(Exception):
    pass


def _freeze(value):
    """A hashable stand-in for a template value, or _Unkeyable (then the fragment is rendered
    as usual, uncached)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    raise _Unkeyable(type(value).__name__)


class ChromeNode(template.Node):
    def __init__(self, name, values, nodelist):
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context):
        try:
            key = (
                self.name,
                get_language(),
                get_script_prefix(),
                get_urlconf() or settings.ROOT_URLCONF,
                tuple(_freeze(value.resolve(context)) for value in self.values),
            )
        except _Unkeyable:
            return self.nodelist.render(context)
        found = _RENDERED.get(key)
        if found is None:
            found = mark_safe(self.nodelist.render(context))
            if len(_RENDERED) >= _LIMIT:
                _RENDERED.clear()
            _RENDERED[key] = found
        return found


@register.tag("chrome")
def do_chrome(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'chrome' needs a fragment name")
    name = bits[1].strip("\"'")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(name, values, nodelist)
