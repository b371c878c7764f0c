"""NHS number validation: ten digits, the last a modulus-11 check digit."""

from __future__ import annotations

import re


def normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def is_valid(value: str) -> bool:
    digits = normalise(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:  # no valid number has this check value
        return False
    return check == int(digits[9])


def with_check_digit(nine_digits: str) -> str | None:
    """Complete nine digits with their check digit, or None if no valid number exists."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return None
    return nine_digits + str(check)
