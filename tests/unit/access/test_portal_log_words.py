"""Portal events in the access log: the person and their proxy named as such, in plain words."""

from datetime import UTC, datetime

from livingwell.access.models import AuditEvent
from livingwell.access.queries import describe

AT = datetime(2026, 3, 3, 14, 5, tzinfo=UTC)


def test_a_proxy_is_named_as_someone_the_person_trusts_with_no_purpose_words():
    event = AuditEvent(
        at=AT, actor_name="Sam Carer", acting_role="proxy", action="read", category="plan"
    )
    assert describe(event).sentence == (
        "Sam Carer (someone the person trusts, in the person's portal) looked at the support "
        "plan on 3 March 2026 at 14:05"
    )


def test_the_person_reads_as_the_person_and_a_sign_in_in_words():
    event = AuditEvent(at=AT, acting_role="person", action="portal.sign_in", category="portal")
    assert describe(event).sentence == (
        "The person, in their portal, signed in to the person's portal on 3 March 2026 at 14:05"
    )


def test_a_code_asked_for_on_the_public_website():
    event = AuditEvent(at=AT, action="portal.code_sent", category="portal", purpose="sign_in")
    assert describe(event).sentence.startswith(
        "Someone using the public website asked for a sign-in code to the person's portal"
    )
