"""Short reference numbers a person can read out on the phone."""

import secrets

# No 0/O, 1/I/L: easy to say and to type.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"LW-{chars[:4]}-{chars[4:]}"
