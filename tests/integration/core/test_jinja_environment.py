"""The Jinja2 environment of the huddle board's body (core/jinja.py) escapes what it shows and
uses Django's own words and addresses."""

from django.template import engines
from django.urls import reverse


def _render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_words_with_values_are_escaped():
    html = _render('{{ _("Closed on %(when)s.", when=when) }}', when="<b>today</b>")
    assert html == "Closed on &lt;b&gt;today&lt;/b&gt;."


def test_addresses_are_djangos():
    assert _render('{{ url("hub:find") }}') == reverse("hub:find")
