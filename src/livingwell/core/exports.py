"""The one guard every CSV export uses, so a cell a spreadsheet opens is never run as a formula.

A cell starting with = + - @ (or a tab or carriage return before one) is read by Excel, LibreOffice
and Google Sheets as a formula ("CSV injection"); a leading apostrophe makes it text. Moved here,
below every app, from access/views.py so that each export (the access report, co-production's
payroll and expenses) applies the same guard.
"""

from __future__ import annotations


def formula_safe(value: str) -> str:
    """Stop a spreadsheet from treating a cell as a formula."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
