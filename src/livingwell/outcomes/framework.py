"""The site's outcome framework: defaults and validation (pure Python, no Django).

Each site writes its own outcomes and "I" statements with its lived-experience panel; until it
does, the six Living Well UK core outcomes for individuals are used. The "I" statements below are
our own drafts for a panel to rewrite, not quotations.
"""

from __future__ import annotations

import re
from typing import Any

from .definitions import MEASURES, get_definition

DIALOG_DOMAINS: tuple[str, ...] = get_definition("dialog").link_ids

DEFAULT_OUTCOMES: list[dict[str, Any]] = [
    {
        "key": "recovering",
        "title": "Recovering and staying well",
        "i_statements": [
            "I feel better than when I first came, and I know what helps me stay well.",
            "I know what to do and who to contact if things get hard again.",
        ],
        "measures": ["reqol10", "swemwbs", "phq9", "gad7", "core10"],
        "dialog_domains": ["1", "2", "8"],
        "goals": True,
    },
    {
        "key": "connected",
        "title": "Connected, with positive relationships",
        "i_statements": ["I have people in my life I can turn to, and I feel part of things."],
        "measures": [],
        "dialog_domains": ["6", "7"],
        "goals": False,
    },
    {
        "key": "choice_control",
        "title": "Choice and control",
        "i_statements": ["I decide what my goals are and how I am supported to reach them."],
        "measures": ["gbo"],
        "dialog_domains": [],
        "goals": True,
    },
    {
        "key": "home",
        "title": "Settled, safe accommodation of my choice",
        "i_statements": ["I live somewhere I feel safe and settled, and that I chose."],
        "measures": [],
        "dialog_domains": ["4"],
        "goals": False,
    },
    {
        "key": "good_help",
        "title": "Good, person-centred help",
        "i_statements": [
            "I was listened to, told my story once, and got help that fitted my life.",
        ],
        "measures": [],
        "dialog_domains": ["9", "10", "11"],
        "goals": False,
    },
    {
        "key": "learn_work",
        "title": "Chances to learn, work and volunteer",
        "i_statements": ["I can learn, work or volunteer in ways that matter to me."],
        "measures": [],
        "dialog_domains": ["3", "5"],
        "goals": False,
    },
]


class FrameworkError(ValueError):
    """An outcome framework that cannot be saved; the message says what to fix."""


def slugify_key(title: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return key[:40] or "outcome"


def clean_outcomes(outcomes: Any) -> list[dict[str, Any]]:
    """Validate and normalise a framework's outcomes; raise FrameworkError naming the problem."""
    if not isinstance(outcomes, list) or not outcomes:
        raise FrameworkError("The framework needs at least one outcome.")
    cleaned: list[dict[str, Any]] = []
    keys: set[str] = set()
    for number, raw in enumerate(outcomes, start=1):
        if not isinstance(raw, dict):
            raise FrameworkError(f"Outcome {number} is not in the expected form.")
        title = str(raw.get("title") or "").strip()
        if not title:
            raise FrameworkError(f"Outcome {number} needs a title.")
        if len(title) > 200:
            raise FrameworkError(f"Outcome {number}: the title is longer than 200 characters.")
        key = str(raw.get("key") or "").strip() or slugify_key(title)
        if key in keys:
            raise FrameworkError(f"Outcome {number}: another outcome already uses the key {key!r}.")
        keys.add(key)
        statements = [str(s).strip() for s in raw.get("i_statements") or [] if str(s).strip()]
        if not statements:
            raise FrameworkError(f"Outcome {number} ({title}) needs at least one “I” statement.")
        measures = list(raw.get("measures") or [])
        for code in measures:
            if code not in MEASURES:
                raise FrameworkError(f"Outcome {number} ({title}): unknown measure {code!r}.")
        domains = [str(d) for d in raw.get("dialog_domains") or []]
        for domain in domains:
            if domain not in DIALOG_DOMAINS:
                raise FrameworkError(f"Outcome {number} ({title}): no DIALOG item {domain!r}.")
        cleaned.append(
            {
                "key": key,
                "title": title,
                "i_statements": statements,
                "measures": [m for m in MEASURES if m in measures],
                "dialog_domains": [d for d in DIALOG_DOMAINS if d in domains],
                "goals": bool(raw.get("goals")),
            }
        )
    return cleaned
