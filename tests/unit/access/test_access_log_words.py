"""The person's access log in plain language, built from audit events alone."""

from datetime import UTC, datetime

from livingwell.access.models import AuditEvent
from livingwell.access.queries import describe
from livingwell.core.exports import formula_safe


def _event(**fields):
    base = {
        "at": datetime(2026, 3, 3, 14, 5, tzinfo=UTC),  # GMT in March: 14:05 in London too
        "actor_name": "Sam Patel",
        "acting_role": "key_worker",
        "organisation_name": "Riverside Mind",
        "action": "read",
        "category": "plan",
        "purpose": "direct_care",
        "outcome": "allowed",
    }
    base.update(fields)
    return AuditEvent(**base)


def test_a_read_reads_as_a_sentence_with_who_where_role_what_why_and_when():
    row = describe(_event())
    assert row.sentence == (
        "Sam Patel (Riverside Mind, key worker) looked at the support plan for direct care "
        "on 3 March 2026 at 14:05"
    )
    assert (row.who, row.organisation, row.role) == ("Sam Patel", "Riverside Mind", "key worker")
    assert row.allowed and not row.emergency


def test_summer_times_are_shown_in_london_time():
    row = describe(_event(at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC)))
    assert row.sentence.endswith("on 1 July 2026 at 10:30")


def test_break_glass_and_refusals_say_so():
    glass = describe(_event(action="break_glass.start", category="record", purpose="break_glass"))
    assert "opened the record in an emergency without being in the care team" in glass.sentence
    # Said once: the action's words already give the reason.
    assert glass.sentence.count("emergency") == 1 and glass.emergency
    read = describe(_event(action="read", category="record", purpose="break_glass"))
    assert "looked at the record in an emergency (break-glass access)" in read.sentence
    refused = describe(_event(category="record", outcome="refused"))
    assert "tried to open the record and was not allowed" in refused.sentence
    assert "for direct care" not in refused.sentence and not refused.allowed


def test_unknown_actions_and_the_public_form_still_read_plainly():
    row = describe(_event(action="contact.record", category="contact"))
    assert "updated the contacts" in row.sentence
    public = describe(
        _event(actor_name="", acting_role="", organisation_name="", action="introduction.create")
    )
    assert public.sentence.startswith(
        "Someone using the public website made an introduction to the network on"
    )


def test_the_log_carries_nothing_but_the_event_fields():
    row = describe(_event(detail={"outcome": "attended"}, object_id="abc"))
    assert "attended" not in row.sentence and "abc" not in row.sentence


def test_csv_cells_cannot_start_a_formula():
    assert formula_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert formula_safe("@sum") == "'@sum"
    assert formula_safe("Sam Patel") == "Sam Patel"
