"""The check on a story's public text before a second person publishes it.

It reuses the learning summaries' personal-data check (``improvement.privacy``: NHS numbers, a
date of birth, the linked person's names and whoever introduced them) and adds what a story
adds: places (a postcode, a named street, estate, ward, school or surgery) and words written
like names (a capitalised word inside a sentence), since a story often names other people.
Findings are warnings for the second person to weigh; they name the kind of thing found, never
the text, so they can be shown and logged without repeating it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from livingwell.improvement.privacy import Finding, personal_data_findings

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", flags=re.IGNORECASE)
_PLACE = re.compile(
    r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*\s(?:Road|Street|Lane|Avenue|Close|Drive|Way|Park|Estate|"
    r"Hospital|Ward|Surgery|School|Square|Crescent|Court|Gardens|Centre)\b"
)
# A capitalised word after a lower-case word in the same sentence: how names are written.
_NAME_LIKE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{1,})\b")
# Capitalised words that are not names (days, months, titles, the usual services).
_NOT_NAMES = {
    "I",
    "NHS",
    "GP",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Christmas",
    "English",
    "Hub",
    "Living",
    "Well",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Samaritans",
}


def findings(text: str, introduction=None) -> list[Finding]:
    """Warnings about what in ``text`` could identify someone."""
    text = text or ""
    found = list(personal_data_findings(text, introduction))
    if _POSTCODE.search(text) or _PLACE.search(text):
        found.append(
            Finding("place", _("a place (a postcode or a named street or building)"), True)
        )
    if any(word not in _NOT_NAMES for word in _NAME_LIKE.findall(text)):
        found.append(Finding("name_like", _("a word written like a name (someone else?)"), False))
    return found
