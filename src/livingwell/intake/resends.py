"""Recognising an introduction sent again from the same browser with a new submission key.

The key issued with the form makes a double click one introduction. Back, then Send again, is
the same introduction too, but the browser may have fetched the form again (a new key) and put
back what was typed. So each browser session remembers, for a while, a fingerprint of each
introduction it has sent and the key it was sent with: the same words sent again take that key,
and ``submit_introduction`` answers with the introduction already made. Different words are a
new introduction, even under a key already used (Back restored the page as it was and the
person changed their story): that takes a key of its own rather than being thrown away.

The fingerprint is a keyed hash (the site's secret), so the session holds no person data.
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone
from django.utils.crypto import salted_hmac

SESSION_KEY = "intake_sent"
# Long enough for Back and Send at any pace; the session's own idle timeout usually ends it first.
WINDOW = dt.timedelta(hours=24)
REMEMBERED = 10  # the latest introductions a browser session has sent


def fingerprint(*, route: str, person: dict, details: dict) -> str:
    content = json.dumps([route, person, details], sort_keys=True, default=str)
    return salted_hmac("livingwell.intake.resends", content, algorithm="sha256").hexdigest()


def _recent(session, now: dt.datetime) -> list[dict]:
    since = now - WINDOW
    return [
        entry
        for entry in session.get(SESSION_KEY, [])
        if dt.datetime.fromisoformat(entry["at"]) >= since
    ]


def submission_key(session, *, posted_key: str, fingerprint: str, now=None) -> str:
    """The key to send this introduction with: the key it was first sent with, if this browser
    session sent the same introduction within WINDOW; a key of its own if the form's key was
    used for a different introduction; otherwise the form's own key."""
    recent = _recent(session, now or timezone.now())
    for entry in recent:
        if entry["fingerprint"] == fingerprint:
            return entry["key"]
    if any(entry["key"] == posted_key for entry in recent):
        # Derived, not random: a double click of the changed introduction is still one.
        return salted_hmac(
            "livingwell.intake.resends.key", posted_key + fingerprint, algorithm="sha256"
        ).hexdigest()
    return posted_key


def remember(session, *, fingerprint: str, key: str, now=None) -> None:
    """Note that this browser session has sent this introduction with this key."""
    now = now or timezone.now()
    kept = [entry for entry in _recent(session, now) if entry["fingerprint"] != fingerprint]
    kept.append({"fingerprint": fingerprint, "key": key, "at": now.isoformat()})
    session[SESSION_KEY] = kept[-REMEMBERED:]
