"""Recognising an introduction sent again from the same browser session (intake/resends.py)."""

import datetime as dt

from livingwell.intake import resends

T0 = dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)
PERSON = {"given_name": "Priya", "family_name": "Shah", "date_of_birth": dt.date(1990, 2, 1)}
DETAILS = {"whats_happening": "Low for months.", "risk_now": "no"}


def sent(session, fingerprint, key, at=T0):
    chosen = resends.submission_key(session, posted_key=key, fingerprint=fingerprint, now=at)
    resends.remember(session, fingerprint=fingerprint, key=chosen, now=at)
    return chosen


def test_the_fingerprint_is_the_content_and_holds_no_person_data():
    same = resends.fingerprint(route="self", person=PERSON, details=DETAILS)
    assert same == resends.fingerprint(route="self", person=dict(PERSON), details=dict(DETAILS))
    assert same != resends.fingerprint(route="family", person=PERSON, details=DETAILS)
    changed = DETAILS | {"whats_happening": "Low for months, worse today."}
    assert same != resends.fingerprint(route="self", person=PERSON, details=changed)
    assert "Priya" not in same and "Low" not in same


def test_the_same_introduction_takes_the_key_it_was_first_sent_with():
    session = {}
    assert sent(session, "fp-a", "key-1") == "key-1"
    later = T0 + dt.timedelta(minutes=5)
    assert sent(session, "fp-a", "key-2", at=later) == "key-1"
    assert sent(session, "fp-b", "key-3", at=later) == "key-3"


def test_different_words_under_a_used_key_take_a_key_of_their_own_the_same_each_time():
    session = {}
    sent(session, "fp-a", "key-1")
    own = resends.submission_key(session, posted_key="key-1", fingerprint="fp-b", now=T0)
    assert own not in {"key-1", ""} and len(own) <= 64
    # Sent twice at once, before either is remembered, both take the same key.
    assert own == resends.submission_key(session, posted_key="key-1", fingerprint="fp-b", now=T0)


def test_after_the_window_the_same_words_are_a_new_introduction():
    session = {}
    sent(session, "fp-a", "key-1")
    after = T0 + resends.WINDOW + dt.timedelta(minutes=1)
    assert sent(session, "fp-a", "key-2", at=after) == "key-2"


def test_a_session_remembers_only_its_latest_introductions():
    session = {}
    for n in range(resends.REMEMBERED + 3):
        sent(session, f"fp-{n}", f"key-{n}")
    assert len(session[resends.SESSION_KEY]) == resends.REMEMBERED
    assert sent(session, "fp-0", "key-new") == "key-new"
    assert sent(session, f"fp-{resends.REMEMBERED + 2}", "key-x") == f"key-{resends.REMEMBERED + 2}"
