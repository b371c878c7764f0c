"""The one rule for a typed name (people.names): normalised, no hidden characters, a letter."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from livingwell.people.names import clean_name

HIDDEN = [
    "\u200b\u200b",  # zero-width spaces only: looks empty on the board
    "\u202eredlaW",  # right-to-left override: shows as "Walder" reversed
    "Ali\u202dce",  # left-to-right override
    "\u2066Sam\u2069",  # isolates
    "Sam\u200e",  # left-to-right mark
    "\u200fSam",  # right-to-left mark
    "Jo\u200chn",  # a zero-width non-joiner between Latin letters: "John" that matches no John
    "Jo\u200dhn",  # zero-width joiner
    "\ufeffAnna",  # byte-order mark / zero-width no-break space
    "An\u00adna",  # soft hyphen
    "\u3164",  # Hangul filler: a "letter" that draws nothing
    "Anna\ufe0f",  # variation selector
    "Anna\u2028Smith",  # line separator
    "Anna\x00",  # control character
    "Anna\tSmith",  # tab
    "\ue000Anna",  # private use
]


@pytest.mark.parametrize("value", HIDDEN)
def test_names_with_hidden_characters_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        clean_name(value)
    assert refused.value.code == "hidden_characters"


@pytest.mark.parametrize("value", ["...", "123", "  -  ", "\u0301"])
def test_names_without_a_letter_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        clean_name(value)
    assert refused.value.code == "no_letter"


PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Priya   Shah ", "Priya Shah"),
        ("Zo\u0065\u0308", "Zo\u00eb"),  # decomposed ë stored composed (NFC)
        ("Anne\u00a0Marie", "Anne Marie"),  # a no-break space is a space
        ("O'Brien-Smith", "O'Brien-Smith"),
        ("Nguyễn Thị", "Nguyễn Thị"),
        ("محمد", "محمد"),
        (PERSIAN, PERSIAN),  # a non-joiner between joining letters (Persian)
        ("क्\u200dष", "क्\u200dष"),  # a joiner after a virama (Devanagari)
        ("李小龍", "李小龍"),
        ("", ""),
    ],
)
def test_real_names_are_kept_and_normalised(typed, stored):
    assert clean_name(typed) == stored


@given(st.text(max_size=30))
def test_whatever_is_typed_a_stored_name_is_visible_and_normal(text):
    try:
        name = clean_name(text)
    except ValidationError:
        return
    assert name == unicodedata.normalize("NFC", name) == name.strip()
    assert not any(unicodedata.category(c) in {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"} for c in name)
    assert not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for c in name)
    assert "  " not in name
    assert not name or any(unicodedata.category(c).startswith("L") for c in name)
