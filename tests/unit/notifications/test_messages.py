"""Messages to people: what they say, how they are sent (GOV.UK Notify against a local fake of
its HTTP API, Django's e-mail, the console) and what becomes of them."""

from __future__ import annotations

import json
import uuid

import jwt
import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from tests.factories import person_details
from tests.operations_support import DATABASE_TASKS, run_worker
from tests.outcomes_support import in_support

from livingwell.core.models import SiteConfig
from livingwell.notifications.models import Message
from livingwell.outcomes.actions import create_response_link
from livingwell.outcomes.definitions import get_definition

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
SMS_TEMPLATE = str(uuid.uuid4())
EMAIL_TEMPLATE = str(uuid.uuid4())


@pytest.fixture
def notify(settings, httpserver):
    """GOV.UK Notify's API, faked by a local HTTP server the official client talks to."""
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.NotifyBackend"
    settings.LIVINGWELL_NOTIFY_API_KEY = f"livingwell_test-{SERVICE_ID}-{SECRET}"
    settings.LIVINGWELL_NOTIFY_BASE_URL = httpserver.url_for("/").rstrip("/")
    settings.LIVINGWELL_NOTIFY_TEMPLATES = {
        "measure_link": {"sms": SMS_TEMPLATE, "email": EMAIL_TEMPLATE},
        "work_alert": {"email": EMAIL_TEMPLATE},
    }
    return httpserver


def sent_to_notify(httpserver) -> list[dict]:
    requests = [request for request, _response in httpserver.log]
    for request in requests:
        # The client signs each request with the service's secret (a JWT, issued by the service).
        token = request.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        assert claims["iss"] == SERVICE_ID
    return [json.loads(request.get_data()) for request in requests]


def send_phq9(personas, **person):
    intro = in_support(personas.hub_worker, person=person_details(**person) if person else None)
    link, raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="phq9")
    link.refresh_from_db()
    return intro, link, raw


# --- what a message says ----------------------------------------------------------------------


def test_a_link_message_does_not_name_the_questionnaire(personas, outbox):
    _intro, _link, raw = send_phq9(personas)
    [message] = outbox
    definition = get_definition("phq9")
    for health_words in (definition.title, "PHQ", "phq9", "depression", "mood"):
        assert health_words.lower() not in message.body.lower()
        assert health_words.lower() not in message.subject.lower()
        assert health_words.lower() not in json.dumps(message.personalisation).lower()
    assert f"/measure/{raw}/" in message.body
    assert set(message.personalisation) == {"site_name", "link", "expires"}


def test_a_site_may_choose_to_name_the_questionnaire(personas, outbox):
    site = SiteConfig.current()
    site.link_messages_name_the_measure = True
    site.save(update_fields=["link_messages_name_the_measure"])
    send_phq9(personas)
    [message] = outbox
    title = get_definition("phq9").title
    assert f"({title})" in message.body and message.personalisation["measure"] == title


def test_once_handed_over_a_message_keeps_no_address_or_text(personas, outbox):
    _intro, link, raw = send_phq9(personas)
    message = link.message
    assert message.status == Message.Status.SENT and message.backend == "memory"
    assert message.to == message.body == message.subject == "" and message.personalisation == {}
    assert not Message.objects.filter(body__contains=raw).exists()


# --- GOV.UK Notify -------------------------------------------------------------------------------


def test_notify_sends_a_text_from_the_sites_template(personas, notify):
    notify.expect_request("/v2/notifications/sms", method="POST").respond_with_json(
        {"id": "notify-1", "reference": "x"}, status=201
    )
    intro, link, raw = send_phq9(personas)
    [request] = sent_to_notify(notify)
    assert request["phone_number"] == intro.person.phone
    assert request["template_id"] == SMS_TEMPLATE
    assert request["reference"] == str(link.message.pk)
    assert request["personalisation"]["link"].endswith(f"/measure/{raw}/")
    assert "measure" not in request["personalisation"]
    assert link.message.status == Message.Status.SENT
    assert link.message.gateway_id == "notify-1" and link.message.backend == "notify"


def test_notify_sends_an_email_when_there_is_no_phone(personas, notify):
    notify.expect_request("/v2/notifications/email", method="POST").respond_with_json(
        {"id": "notify-2"}, status=201
    )
    intro, link, _raw = send_phq9(personas, phone="", email="someone@example.org")
    [request] = sent_to_notify(notify)
    assert request["email_address"] == "someone@example.org"
    assert request["template_id"] == EMAIL_TEMPLATE
    assert link.message.channel == "email" and link.message.status == Message.Status.SENT


def test_a_number_notify_refuses_fails_at_once_with_the_reason(personas, notify):
    notify.expect_request("/v2/notifications/sms", method="POST").respond_with_json(
        {"errors": [{"error": "ValidationError", "message": "phone_number Not a UK mobile"}]},
        status=400,
    )
    _intro, link, _raw = send_phq9(personas)
    assert link.message.status == Message.Status.FAILED
    assert link.message.failure_reason == "refused"


@pytest.mark.django_db(transaction=True)
def test_notify_being_down_is_retried_later_and_the_message_waits(personas, notify, settings):
    settings.TASKS = DATABASE_TASKS
    notify.expect_request("/v2/notifications/sms", method="POST").respond_with_json(
        {"errors": [{"error": "Exception", "message": "Internal server error"}]}, status=500
    )
    _intro, link, _raw = send_phq9(personas)
    assert link.message.status == Message.Status.QUEUED  # queued with the link, not yet sent
    run_worker()
    link.message.refresh_from_db()
    assert link.message.status == Message.Status.QUEUED
    again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert again.args_kwargs["kwargs"] == {"attempt": 2}


def test_without_a_template_for_the_kind_nothing_is_sent(personas, notify, settings):
    settings.LIVINGWELL_NOTIFY_TEMPLATES = {}
    _intro, link, _raw = send_phq9(personas)
    assert notify.log == []
    assert link.message.status == Message.Status.FAILED
    assert link.message.failure_reason == "no_template"


# --- Django's e-mail ---------------------------------------------------------------------------


@pytest.fixture
def django_email(settings):
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.EmailBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_django_email_sends_the_plain_text_message(personas, django_email):
    _intro, link, raw = send_phq9(personas, phone="", email="someone@example.org")
    [sent] = mail.outbox
    assert sent.to == ["someone@example.org"] and f"/measure/{raw}/" in sent.body
    assert link.message.status == Message.Status.SENT and link.message.backend == "email"


def test_django_email_cannot_send_a_text_and_says_so(personas, django_email):
    _intro, link, _raw = send_phq9(personas)
    assert mail.outbox == []
    assert link.message.status == Message.Status.FAILED
    assert link.message.failure_reason == "no_sms"


def test_the_demo_console_masks_the_address(personas, settings, capsys):
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.ConsoleBackend"
    intro, _link, raw = send_phq9(personas)
    printed = capsys.readouterr().out
    assert f"/measure/{raw}/" in printed  # the demo's user opens the link from here
    assert intro.person.phone not in printed and "to=***123" in printed
