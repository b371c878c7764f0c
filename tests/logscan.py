"""No person data in any log line: collect every log record of a run and look in it for the
names, NHS numbers, dates of birth, phone numbers and e-mail addresses of the people the run
made.

- ``LogScan`` collects records (every logger, from DEBUG up, each formatted as the site formats
  it, with its request id) and the identifiers of each person saved while it runs;
  ``LogScan.findings()`` lists every line holding one.
- ``log_scan``: a fixture for one test (tests/integration/operations/test_logs.py).
- ``no_person_data_in_logs``: the same over a whole session, failing at its end; the browser
  suite imports it (tests/browser/conftest.py), so every journey's logs are scanned.
"""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from django.db.models.signals import post_save

from livingwell.core.logs import RequestIdFilter

# Test tooling's own loggers: they log the test's data, not the site's. django.db.backends logs
# SQL with its values only while a test captures queries (assertNumQueries) or under DEBUG,
# which production refuses (settings.py).
NOT_THE_SITE = ("factory", "faker", "asyncio", "hypothesis", "urllib3", "werkzeug", "filelock")
NOT_THE_SITE += ("django.db.backends",)


def date_forms(d: date) -> list[str]:
    return [
        d.isoformat(),
        d.strftime("%d/%m/%Y"),
        f"{d.day} {d:%B %Y}",
        f"datetime.date({d.year}, {d.month}, {d.day})",
    ]


def identifiers(person) -> list[str]:
    found = [person.given_name, person.family_name, f"{person.given_name} {person.family_name}"]
    if person.nhs_number:
        n = person.nhs_number
        found += [n, f"{n[:3]} {n[3:6]} {n[6:]}"]
    if person.date_of_birth:
        found += date_forms(person.date_of_birth)
    if person.phone:
        found.append(person.phone)
        found.append(person.phone.replace(" ", ""))
    if person.email:
        found.append(person.email)
    return [value for value in found if value and len(value) >= 3]


# What every record has; anything else was passed in ``extra`` and is scanned too.
STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
}


class LogScan(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.lines: list[tuple[str, str]] = []  # (request id, the whole formatted record)
        self.people: set[str] = set()
        self.formatter_ = logging.Formatter("%(levelname)s %(name)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(NOT_THE_SITE):
            return
        try:
            line = self.formatter_.format(record)
        except Exception:  # a record that cannot be formatted is the site's bug: keep its parts
            line = f"{record.name} {record.msg!r} {record.args!r}"
        extra = {k: v for k, v in record.__dict__.items() if k not in STANDARD}
        self.lines.append((record.request_id, f"{line} {extra!r}"))

    def remember(self, sender, instance, **kwargs) -> None:
        self.people.update(identifiers(instance))

    def start(self):
        from livingwell.people.models import Person

        root = logging.getLogger()
        self.previous_level = root.level
        root.addHandler(self)
        root.setLevel(logging.DEBUG)
        post_save.connect(self.remember, sender=Person, dispatch_uid="tests.logscan")
        return self

    def stop(self) -> None:
        from livingwell.people.models import Person

        root = logging.getLogger()
        root.removeHandler(self)
        root.setLevel(self.previous_level)
        post_save.disconnect(sender=Person, dispatch_uid="tests.logscan")

    def findings(self, extra_people=()) -> list[str]:
        values = set(self.people)
        for person in extra_people:
            values.update(identifiers(person))
        if not values:
            return []
        pattern = re.compile(
            r"(?<![\w@])("
            + "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
            + r")(?![\w@])"
        )
        return [
            f"{m.group(1)!r} in: {line[:300]}"
            for _id, line in self.lines
            if (m := pattern.search(line))
        ]


@pytest.fixture
def log_scan():
    scan = LogScan().start()
    yield scan
    scan.stop()


@pytest.fixture(scope="session", autouse=True)
def no_person_data_in_logs():
    scan = LogScan().start()
    yield scan
    scan.stop()
    findings = scan.findings()
    assert not findings, "Person data in the logs:\n" + "\n".join(findings[:20])
