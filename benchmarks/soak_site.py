"""Run by soak.py inside the site's environment (as site_setup.py is): prints one JSON line.

`candidates N`: up to N introductions in support (a plan is made only then), newest first, for
the load to read and write to (it keeps those the Hub worker may record contacts and plans on).
`verify FILE`: what the database holds of each write the load sent (FILE: JSON, kind -> marks),
and the checks a site runs after a crash: the board's kept fields (`rebuild_board --check`), the
seed's invariants, and the audit trail's hash chain.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from io import StringIO

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402

from livingwell.access.audit import verify_chain  # noqa: E402
from livingwell.hub.models import Contact, PlanVersion  # noqa: E402
from livingwell.intake.models import Introduction  # noqa: E402
from livingwell.seed import checks as seed_checks  # noqa: E402


def candidates(count: int) -> list[str]:
    rows = (
        Introduction.objects.filter(state=Introduction.State.IN_SUPPORT)
        .order_by("-received_at")
        .values_list("id", flat=True)[:count]
    )
    return [str(pk) for pk in rows]


def text_of(kind: str, mark: str) -> str:
    """The words each write carries, by which it is found again (soak.py writes the same)."""
    return f"Soak {kind} {mark}"


def verify(marks: dict[str, list[str]]) -> dict:
    found: dict[str, dict[str, int]] = {}
    texts = {text_of("introduction", m): m for m in marks.get("introduction", [])}
    counted = Counter(
        Introduction.objects.filter(whats_happening__in=list(texts)).values_list(
            "whats_happening", flat=True
        )
    )
    found["introduction"] = {texts[t]: n for t, n in counted.items()}
    texts = {text_of("contact", m): m for m in marks.get("contact", [])}
    counted = Counter(Contact.objects.filter(note__in=list(texts)).values_list("note", flat=True))
    found["contact"] = {texts[t]: n for t, n in counted.items()}
    texts = {text_of("plan", m): m for m in marks.get("plan", [])}
    counted = Counter()
    for goals in PlanVersion.objects.filter(
        introduction_id__in=marks.get("plan_introductions", [])
    ).values_list("goals", flat=True):
        for goal in goals[:1]:
            if goal.get("text") in texts:
                counted[goal["text"]] += 1
    found["plan"] = {texts[t]: n for t, n in counted.items()}

    board = StringIO()
    try:
        call_command("rebuild_board", "--check", stdout=board)
        board_ok = True
    except CommandError as exc:
        board.write(str(exc))
        board_ok = False
    chain = verify_chain()
    return {
        "found": found,
        "board_in_step": board_ok,
        "board_said": board.getvalue().strip(),
        "seed_invariant_problems": seed_checks.problems(),
        "audit_chain_ok": chain.ok,
        "audit_events": chain.checked,
        "audit_problem": chain.problem,
    }


if __name__ == "__main__":
    if sys.argv[1] == "candidates":
        print(json.dumps(candidates(int(sys.argv[2]))))
    elif sys.argv[1] == "verify":
        with open(sys.argv[2], encoding="utf-8") as f:
            print(json.dumps(verify(json.load(f))))
    else:
        raise SystemExit(f"unknown step {sys.argv[1]!r}")
