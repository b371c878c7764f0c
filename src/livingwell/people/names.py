"""What a name may hold: the one rule for every name a person or a worker types.

A person's, an introducer's or a helper's name, an organisation's or a listing's name is shown on
the huddle board, in lists and in the directory, where a reader trusts it as typed. Invisible
characters made names that look empty, or look like someone else's while matching nobody when
likely duplicates are looked for; bidirectional overrides (U+202E) showed a name reversed or
laid out text that was not there. So a name is:

- put in Unicode normal form C (the same name typed on two devices is stored the same way);
- refused if it holds a control, format, private-use, unassigned, line- or paragraph-separator
  character, or another character Unicode says is invisible by default (Hangul fillers,
  variation selectors), except a zero-width joiner or non-joiner where the IDNA rule for them
  (RFC 5892, appendix A) allows it: Persian, Arabic and Indic names need them between letters;
- stripped, with every run of spaces made one ordinary space;
- refused if no letter is left to see.
"""

from __future__ import annotations

import re
import unicodedata

import idna
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Categories never part of a name: controls (Cc), format characters such as bidirectional
# controls and zero-width spaces (Cf), surrogates (Cs), private use (Co), unassigned (Cn), and
# the line and paragraph separators (Zl, Zp).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
JOINERS = frozenset({"\u200c", "\u200d"})
# Default-ignorable code points (Unicode's DerivedCoreProperties.txt) outside those categories:
# they draw nothing, whatever script they sit in.
INVISIBLE = frozenset(
    {chr(c) for c in (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F)}
    | {chr(c) for c in (0x3164, 0xFFA0)}
    | {chr(c) for c in range(0xFE00, 0xFE10)}
    | {chr(c) for c in range(0xE0100, 0xE01F0)}
)
SPACES = re.compile(r"\s+")

HIDDEN_MESSAGE = _(
    "The name holds hidden characters (such as direction marks or zero-width spaces). "
    "Type it again rather than pasting it."
)
NO_LETTER_MESSAGE = _("Enter a name with at least one letter in it.")


def _allowed_joiner(text: str, position: int) -> bool:
    try:
        return idna.valid_contextj(text, position)
    except ValueError:  # a neighbour unknown to Unicode: refused on its own account anyway
        return False


def _hidden(text: str) -> bool:
    for position, char in enumerate(text):
        if char in JOINERS:
            if not _allowed_joiner(text, position):
                return True
        elif char in INVISIBLE or unicodedata.category(char) in REFUSED_CATEGORIES:
            return True
    return False


def clean_name(value: str) -> str:
    """The name as it is to be stored, or ValidationError saying what to change.

    An empty value stays empty: whether a name is required is the form's (or model's) call.
    """
    text = unicodedata.normalize("NFC", value or "")
    if _hidden(text):
        raise ValidationError(HIDDEN_MESSAGE, code="hidden_characters")
    text = SPACES.sub(" ", text).strip()
    if text and not any(unicodedata.category(char).startswith("L") for char in text):
        raise ValidationError(NO_LETTER_MESSAGE, code="no_letter")
    return text


class NameField(forms.CharField):
    """A form field for a name, cleaned by ``clean_name`` before any other check."""

    def to_python(self, value):
        return clean_name(super().to_python(value))
