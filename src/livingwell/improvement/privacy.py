"""The personal-data check on a learning summary before the network may read it.

It looks for what would identify the person: an NHS number (ten digits, alone or written 3-3-4;
a number that fails the modulus-11 check is still reported, as a mistyped NHS number is still
one), a date of birth (the linked person's, in the usual ways of writing a date, or the words
"DOB", "date of birth", "born on/in", "birthday"), and the names of people in the record (the
person's first, last and preferred names, and the name of whoever introduced them). The first
two always stop the summary being shared. A name stops it unless the lead confirms it is not
about them: "Hope" or "Grace" can be ordinary words.

Findings name what was found in general words ("the person's first name"), never the text
itself, so they can be shown and logged without repeating it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from livingwell.people import nhs_number

_TEN_DIGITS = re.compile(r"(?<![\d])(\d{3}[ -]?\d{3}[ -]?\d{4})(?![\d])")
_BIRTH_WORDS = re.compile(
    r"\b(d\.?o\.?b\b\.?|date of birth|born on|born in|birthday)", flags=re.IGNORECASE
)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


@dataclass(frozen=True)
class Finding:
    kind: str  # nhs_number | date_of_birth | name | ten_digits
    message: str
    blocking: bool


def _date_forms(d) -> list[str]:
    day, month, year = d.day, d.month, d.year
    name = _MONTHS[month - 1]
    forms = {
        d.isoformat(),
        f"{day:02d}/{month:02d}/{year}",
        f"{day}/{month}/{year}",
        f"{day:02d}-{month:02d}-{year}",
        f"{day}.{month}.{year}",
        f"{day:02d}.{month:02d}.{year}",
        f"{day:02d}/{month:02d}/{year % 100:02d}",
        f"{day}/{month}/{year % 100:02d}",
        f"{day} {name} {year}",
        f"{day} {name[:3]} {year}",
        f"{name} {day} {year}",
        f"{name} {day}, {year}",
    }
    return sorted(forms)


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE) is not None


def personal_data_findings(text: str, introduction=None) -> list[Finding]:
    findings: list[Finding] = []
    text = text or ""
    for match in _TEN_DIGITS.finditer(text):
        if nhs_number.is_valid(match.group(1)):
            findings.append(Finding("nhs_number", _("an NHS number"), True))
        else:
            findings.append(
                Finding("ten_digits", _("a ten-digit number that could be an NHS number"), True)
            )
    if _BIRTH_WORDS.search(text):
        findings.append(Finding("date_of_birth", _("a date of birth"), True))
    if introduction is not None:
        person = introduction.person
        lowered = text.lower()
        if person.date_of_birth and any(
            form.lower() in lowered for form in _date_forms(person.date_of_birth)
        ):
            findings.append(Finding("date_of_birth", _("the person's date of birth"), True))
        names = [
            (person.given_name, _("the person's first name")),
            (person.family_name, _("the person's last name")),
            (person.preferred_name, _("the person's preferred name")),
        ]
        names += [
            (part, _("the name of who introduced them"))
            for part in (introduction.introducer_name or "").split()
        ]
        seen = set()
        for name, what in names:
            name = (name or "").strip()
            if len(name) >= 2 and _contains_word(text, name) and what not in seen:
                seen.add(what)
                findings.append(Finding("name", what, False))
    # One line per kind of thing found is enough to act on.
    unique: dict[tuple[str, str], Finding] = {}
    for f in findings:
        unique.setdefault((f.kind, f.message), f)
    return list(unique.values())
