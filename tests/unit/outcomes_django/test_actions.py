"""Recording measures, links, wording and the framework, through the real actions.

Expected scores are worked out by hand from the published methods (comments show the sums).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from tests.outcomes_support import PHQ9_12, in_support

from livingwell.access.models import AuditEvent
from livingwell.outcomes import score
from livingwell.outcomes.actions import (
    LinkError,
    OutcomesError,
    ResponseInvalid,
    create_response_link,
    record_response,
    save_framework,
    submit_via_link,
)
from livingwell.outcomes.models import (
    ItemWording,
    MeasureResponse,
    OutcomeFrameworkVersion,
    ResponseLink,
)
from livingwell.outcomes.queries import current_framework, item_texts

pytestmark = pytest.mark.django_db


def _record(by, intro, measure, answers, **kw):
    return record_response(
        by=by,
        introduction=intro,
        measure=measure,
        answers=answers,
        completed_at=kw.pop("completed_at", timezone.localdate()),
        source=kw.pop("source", "worker"),
        occasion=kw.pop("occasion", "baseline"),
        **kw,
    )


# --- record_response ---------------------------------------------------------------------------


def test_phq9_response_stores_the_total_band_and_caseness(personas):
    intro = in_support(personas.hub_worker)
    response = _record(personas.hub_worker, intro, "phq9", PHQ9_12)
    response.refresh_from_db()
    # 3+2+2+1+1+1+1+1+0 = 12: moderate (10-14), a case at 10 or more.
    assert response.total == 12
    assert response.band == "moderate"
    assert response.clinical is True
    assert response.prorated is False
    assert response.total == score("phq9", PHQ9_12).total
    assert response.recorded_by == personas.hub_worker
    assert response.answers == PHQ9_12


def test_dialog_response_stores_both_subscale_means(personas):
    intro = in_support(personas.hub_worker)
    answers = dict(
        zip([str(i) for i in range(1, 12)], [4, 5, 3, 4, 6, 2, 3, 5, 6, 5, 4], strict=True)
    )
    response = _record(personas.hub_worker, intro, "dialog", answers)
    # Items 1-8: 32 / 8 = 4.0; items 9-11: 15 / 3 = 5.0. DIALOG has no total.
    assert response.subscales == {"sqol": 4.0, "treatment_satisfaction": 5.0}
    assert response.total is None
    assert response.band == ""


def test_swemwbs_stores_raw_total_and_metric(personas):
    intro = in_support(personas.hub_worker)
    response = _record(personas.hub_worker, intro, "swemwbs", {str(i): 3 for i in range(1, 8)})
    # 7 x 3 = raw 21, which the published table converts to 19.25.
    assert response.total == 21
    assert response.metric == 19.25


def test_core10_with_one_missing_item_is_stored_as_prorated(personas):
    intro = in_support(personas.hub_worker)
    response = _record(personas.hub_worker, intro, "core10", {str(i): 2 for i in range(1, 10)})
    # Nine items of 2: mean 2 x 10 = 20, moderate-to-severe (20-24), flagged as prorated.
    assert response.total == 20
    assert response.band == "moderate_severe"
    assert response.prorated is True


def test_recording_is_audited_without_answers_or_scores(personas):
    intro = in_support(personas.hub_worker)
    response = _record(personas.hub_worker, intro, "phq9", PHQ9_12)
    event = AuditEvent.objects.get(action="measure.record")
    assert event.category == "outcomes"
    assert event.person_id == intro.person_id
    assert event.object_id == str(response.pk)
    assert event.detail == {"measure": "phq9", "source": "worker", "occasion": "baseline"}


def test_invalid_answers_name_each_item_and_store_nothing(personas):
    intro = in_support(personas.hub_worker)
    answers = {**PHQ9_12, "3": 5}
    del answers["4"]
    before = AuditEvent.objects.count()
    with pytest.raises(ResponseInvalid) as caught:
        _record(personas.hub_worker, intro, "phq9", answers)
    errors = caught.value.errors
    # Every problem at once, each beside its item.
    assert set(errors) == {"3", "4"}
    assert errors["3"] == "Item 3: 5 is out of range (0 to 3)"
    assert errors["4"] == "Item 4: choose an answer (every item is needed)."
    assert MeasureResponse.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_missing_items_get_a_message_each(personas):
    intro = in_support(personas.hub_worker)
    answers = {k: v for k, v in PHQ9_12.items() if k not in {"4", "7"}}
    with pytest.raises(ResponseInvalid) as caught:
        _record(personas.hub_worker, intro, "phq9", answers)
    assert set(caught.value.errors) == {"4", "7"}
    assert "Item 4" in caught.value.errors["4"]
    assert MeasureResponse.objects.count() == 0


def test_unknown_item_is_refused(personas):
    intro = in_support(personas.hub_worker)
    with pytest.raises(ResponseInvalid) as caught:
        _record(personas.hub_worker, intro, "gad7", {**{str(i): 1 for i in range(1, 8)}, "8": 1})
    assert "8" in caught.value.errors


def test_completed_date_cannot_be_in_the_future_or_before_the_introduction(personas):
    intro = in_support(personas.hub_worker, days_ago=10)
    with pytest.raises(OutcomesError, match="future"):
        _record(
            personas.hub_worker,
            intro,
            "phq9",
            PHQ9_12,
            completed_at=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(OutcomesError, match="before the introduction"):
        _record(
            personas.hub_worker,
            intro,
            "phq9",
            PHQ9_12,
            completed_at=timezone.localdate() - timedelta(days=11),
        )
    paper = _record(
        personas.hub_worker,
        intro,
        "phq9",
        PHQ9_12,
        source="paper",
        completed_at=timezone.localdate() - timedelta(days=9),
    )
    assert paper.completed_at == timezone.localdate() - timedelta(days=9)
    assert paper.source == "paper"


def test_gbo_ratings_are_linked_to_plan_goals(personas):
    intro = in_support(personas.hub_worker, goals=["Get back to playing football", "Sleep better"])
    keys = [g["key"] for g in intro.plan_versions.get().goals]
    response = _record(
        personas.hub_worker,
        intro,
        "gbo",
        {"1": 3, "2": 5},
        goal_keys={"1": keys[0], "2": keys[1]},
    )
    assert response.goal_keys == {"1": keys[0], "2": keys[1]}
    with pytest.raises(ResponseInvalid) as caught:
        _record(personas.hub_worker, intro, "gbo", {"1": 3}, goal_keys={"1": "not-a-goal"})
    assert "not in this person's plan" in caught.value.errors["1"]
    with pytest.raises(ResponseInvalid):
        _record(personas.hub_worker, intro, "gbo", {"1": 3})
    with pytest.raises(OutcomesError, match="Goal-Based"):
        _record(personas.hub_worker, intro, "phq9", PHQ9_12, goal_keys={"1": keys[0]})
    assert MeasureResponse.objects.count() == 1


# --- links ---------------------------------------------------------------------------------------


def test_link_stores_only_a_hash_and_the_message_names_no_one(personas, outbox):
    intro = in_support(personas.hub_worker)
    link, raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="phq9")
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not ResponseLink.objects.filter(token_hash=raw).exists()
    assert len(outbox) == 1
    message = outbox[0]
    person = intro.person
    assert message.to == person.phone  # a phone number is preferred to email
    # The link is absolute, on the site's public address: a text app cannot open a bare path.
    assert f" http://testserver/measure/{raw}/ " in message.body
    for personal in (
        person.given_name,
        person.family_name,
        person.phone,
        person.email,
        intro.reference,
        str(intro.pk),
        str(person.pk),
    ):
        assert personal not in message.body
        assert personal not in message.subject
    event = AuditEvent.objects.get(action="measure.link.create")
    assert event.detail == {
        "measure": "phq9",
        "channel": "sms",
        "valid_hours": 168,
        "withdrawn_older": 0,
    }


def test_link_message_uses_the_configured_public_address(personas, outbox, settings):
    settings.LIVINGWELL_PUBLIC_URL = "https://livingwell.example.org"
    intro = in_support(personas.hub_worker)
    _link, raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="phq9")
    assert f"https://livingwell.example.org/measure/{raw}/" in outbox[0].body


def test_a_newer_link_for_the_same_measure_and_occasion_withdraws_the_older(personas, outbox):
    intro = in_support(personas.hub_worker)
    old, old_raw = create_response_link(
        by=personas.hub_worker, introduction=intro, measure="gad7", occasion="baseline"
    )
    other, other_raw = create_response_link(
        by=personas.hub_worker, introduction=intro, measure="gad7", occasion="review"
    )
    _new, new_raw = create_response_link(
        by=personas.hub_worker, introduction=intro, measure="gad7", occasion="baseline"
    )
    answers = {str(i): 1 for i in range(1, 8)}
    submit_via_link(token=new_raw, answers=answers)
    with pytest.raises(LinkError) as caught:
        submit_via_link(token=old_raw, answers=answers)
    assert caught.value.reason == "withdrawn"
    assert "newer link" in str(caught.value)
    # One baseline only; a link for another occasion is not touched.
    assert MeasureResponse.objects.filter(occasion="baseline").count() == 1
    submit_via_link(token=other_raw, answers=answers)
    assert MeasureResponse.objects.count() == 2
    old.refresh_from_db()
    assert old.withdrawn_at is not None and old.used_at is None
    last = AuditEvent.objects.filter(action="measure.link.create").order_by("-id").first()
    assert last.detail["withdrawn_older"] == 1


def test_link_works_once_then_refuses(personas, outbox):
    intro = in_support(personas.hub_worker)
    link, raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="gad7")
    answers = {str(i): 2 for i in range(1, 8)}
    response = submit_via_link(token=raw, answers=answers)
    # 7 x 2 = 14: moderate (10-14).
    assert response.total == 14 and response.band == "moderate"
    assert response.source == "self_link" and response.recorded_by is None
    assert response.introduction == intro
    link.refresh_from_db()
    assert link.used_at is not None
    event = AuditEvent.objects.get(action="measure.self_complete")
    assert event.actor is None and event.purpose == "self_completed"
    assert event.detail == {"measure": "gad7", "source": "self_link"}
    with pytest.raises(LinkError) as caught:
        submit_via_link(token=raw, answers=answers)
    assert caught.value.reason == "used"
    assert MeasureResponse.objects.count() == 1


def test_expired_link_refuses(personas, outbox):
    intro = in_support(personas.hub_worker)
    _link, raw = create_response_link(
        by=personas.hub_worker,
        introduction=intro,
        measure="gad7",
        at=timezone.now() - timedelta(days=8),
    )
    with pytest.raises(LinkError) as caught:
        submit_via_link(token=raw, answers={str(i): 1 for i in range(1, 8)})
    assert caught.value.reason == "expired"
    assert "expired" in str(caught.value)
    assert MeasureResponse.objects.count() == 0


def test_unknown_token_refuses(db):
    with pytest.raises(LinkError) as caught:
        submit_via_link(token="x" * 43, answers={})
    assert caught.value.reason == "unknown"


def test_invalid_answers_through_a_link_leave_it_usable(personas, outbox):
    intro = in_support(personas.hub_worker)
    link, raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="gad7")
    with pytest.raises(ResponseInvalid):
        submit_via_link(token=raw, answers={"1": 1})
    link.refresh_from_db()
    assert link.used_at is None
    assert MeasureResponse.objects.count() == 0


def test_gbo_cannot_be_sent_and_a_person_without_contact_details_gets_no_link(personas, outbox):
    intro = in_support(personas.hub_worker)
    with pytest.raises(OutcomesError, match="Goal-Based"):
        create_response_link(by=personas.hub_worker, introduction=intro, measure="gbo")
    unreachable = in_support(
        personas.hub_worker, person={"given_name": "Sam", "family_name": "Lee", "phone": ""}
    )
    with pytest.raises(OutcomesError, match="no phone number or email"):
        create_response_link(by=personas.hub_worker, introduction=unreachable, measure="phq9")
    assert ResponseLink.objects.count() == 0 and outbox == []


# --- wording -----------------------------------------------------------------------------------


def _wording_file(tmp_path, measure="gad7", n=7, text="Licensed sentence {i} for testing"):
    path = tmp_path / "wording.csv"
    rows = ["measure,link_id,text"] + [
        f'{measure},{i},"{text.format(i=i)}"' for i in range(1, n + 1)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_import_wording_stores_it_and_forms_use_it(db, tmp_path, capsys):
    texts, licensed = item_texts("gad7")
    assert not licensed and "not the real wording" in texts["1"]
    call_command("measures", "import-wording", str(_wording_file(tmp_path)))
    assert "gad7 (7 items)" in capsys.readouterr().out
    assert ItemWording.objects.filter(measure="gad7").count() == 7
    texts, licensed = item_texts("gad7")
    assert licensed and texts["3"] == "Licensed sentence 3 for testing"
    assert AuditEvent.objects.filter(action="measure.wording.import").count() == 1
    # A second import replaces the text, it does not add rows.
    call_command("measures", "import-wording", str(_wording_file(tmp_path, text="New {i}")))
    assert ItemWording.objects.filter(measure="gad7").count() == 7
    assert item_texts("gad7")[0]["7"] == "New 7"


def test_invalid_wording_file_stores_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="no text for item"):
        call_command("measures", "import-wording", str(_wording_file(tmp_path, n=6)))
    assert ItemWording.objects.count() == 0


# --- framework ---------------------------------------------------------------------------------


def test_framework_defaults_are_the_six_core_outcomes(db):
    version, outcomes = current_framework()
    assert version == 0
    assert [o["title"] for o in outcomes] == [
        "Recovering and staying well",
        "Connected, with positive relationships",
        "Choice and control",
        "Settled, safe accommodation of my choice",
        "Good, person-centred help",
        "Chances to learn, work and volunteer",
    ]


def test_each_save_makes_a_new_version_and_keeps_the_old(personas):
    first = save_framework(
        by=personas.site_admin,
        outcomes=[{"title": "Stay well", "i_statements": ["I stay well"], "measures": ["dialog"]}],
        note="Panel, March",
    )
    second = save_framework(
        by=personas.site_admin,
        outcomes=[
            {"title": "Stay well", "i_statements": ["I feel well"], "dialog_domains": ["1"]},
            {"title": "Home", "i_statements": ["I have a home"], "goals": True},
        ],
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.outcomes[0]["i_statements"] == ["I stay well"]
    assert current_framework()[0] == 2
    assert [o["key"] for o in current_framework()[1]] == ["stay_well", "home"]
    assert AuditEvent.objects.filter(action="outcome_framework.save").count() == 2


def test_framework_refuses_bad_input_and_non_administrators(personas):
    with pytest.raises(OutcomesError, match="site administrator"):
        save_framework(by=personas.hub_worker, outcomes=[{"title": "x", "i_statements": ["I"]}])
    with pytest.raises(OutcomesError, match="“I” statement"):
        save_framework(by=personas.site_admin, outcomes=[{"title": "x", "i_statements": []}])
    with pytest.raises(OutcomesError, match="unknown measure"):
        save_framework(
            by=personas.site_admin,
            outcomes=[{"title": "x", "i_statements": ["I"], "measures": ["bdi"]}],
        )
    assert OutcomeFrameworkVersion.objects.count() == 0
