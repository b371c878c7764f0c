"""Typed helpers for reading settings from the environment.

They fail loudly: a misspelt boolean or a non-numeric timeout stops the process at start-up
rather than quietly running with a default nobody chose.
"""

from __future__ import annotations

import os


class ConfigError(RuntimeError):
    pass


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or (default is None and value.strip() == ""):
        # A required setting that is empty is as missing as one that is absent.
        if default is None:
            raise ConfigError(f"Environment variable {name} is required")
        value = default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str | None = None) -> str:
    """An absolute http(s) address with no path beyond "/", returned without a trailing slash."""
    from urllib.parse import urlsplit

    raw = env_str(name, default).strip()
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
        raise ConfigError(
            f"{name}={raw!r} must be the site's public address, e.g. https://livingwell.example.org"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{name}={raw!r} must not carry a query or a fragment")
    return raw.rstrip("/")
