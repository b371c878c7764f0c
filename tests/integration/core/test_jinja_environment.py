"""The Jinja2 environment of the busiest pages' bodies shows words, dates and text as the
Django templates do (ADR 0011)."""

from datetime import UTC, datetime

from django.template import engines
from django.utils import translation

from livingwell.core import jinja


def _render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_words_are_remembered_per_language():
    jinja._TRANSLATED.clear()
    with translation.override("en-gb"):
        assert _render('{{ _("Huddle board") }}') == "Huddle board"
    with translation.override("cy"):
        _render('{{ _("Huddle board") }}')
    assert {language for language, _word in jinja._TRANSLATED} == {"en-gb", "cy"}


def test_words_with_values_are_escaped():
    html = _render('{{ _("Closed on %(when)s.", when=when) }}', when="<b>today</b>")
    assert html == "Closed on &lt;b&gt;today&lt;/b&gt;."


def test_dates_as_djangos_date_filter_shows_them():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    django = engines["django"].from_string('{{ at|date:"j M Y H:i" }}').render({"at": moment})
    assert _render('{{ at|date("j M Y H:i") }}', at=moment) == django == "1 Jul 2026 00:30"
    assert _render('{{ nothing|date("j M Y") }}', nothing=None) == ""


def test_text_keeps_its_line_breaks_and_is_escaped():
    html = _render("{{ text|linebreaksbr }}", text="First <line>\nSecond")
    assert html == "First &lt;line&gt;<br>Second"


# Words written into the template when it is compiled, one compiled copy per language.

_WORDS = (
    '{{ _("Huddle board") }}|{{ _("100%% sure") }}|{{ _("Closed on %(when)s.", when=when) }}'
    '|{{ ngettext("%(num)s day", "%(num)s days", n) }}|{{ _("A & B") }}'
)


def _in(language: str, source: str, **context) -> str:
    env = jinja._in_language(engines["jinja2"].env, language)
    return env.from_string(source).render(context)


def test_words_compiled_in_show_as_the_words_looked_up_at_render():
    context = {"when": "<b>today</b>", "n": 3}
    assert _in("en-gb", _WORDS, **context) == _render(_WORDS, **context)
    assert _in("en-gb", _WORDS, **context) == (
        "Huddle board|100% sure|Closed on &lt;b&gt;today&lt;/b&gt;.|3 days|A & B"
    )


def test_each_language_compiles_its_own_words(monkeypatch):
    def welsh_for_the_test(message):
        return f"cy:{message}" if translation.get_language() == "cy" else message

    monkeypatch.setattr(jinja, "gettext", welsh_for_the_test)
    jinja._TRANSLATED.clear()
    source = '{{ _("Huddle board") }}'
    assert _in("cy", source) == "cy:Huddle board"
    assert _in("en-gb", source) == "Huddle board"
    # The compiled template holds the word: it does not look it up again when it renders.
    compiled = jinja._in_language(engines["jinja2"].env, "cy").compile(source, raw=True)
    assert "cy:Huddle board" in compiled
    assert "gettext" not in compiled
    jinja._TRANSLATED.clear()


def test_a_fields_label_is_the_models_display_value(db):
    from livingwell.intake.models import Introduction

    intro = Introduction(state="in_support", route="self", risk_now="", closed_reason="moved")
    for name in ("state", "route", "risk_now", "closed_reason"):
        want = getattr(intro, f"get_{name}_display")()
        assert _render(f'{{{{ label(intro, "{name}") }}}}', intro=intro) == str(want)
    assert _render('{{ label(intro, "state") }}', intro=intro) == "In support"
