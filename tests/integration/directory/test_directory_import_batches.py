"""A directory import is checked whole, then stored in short batches: each batch atomic and
audited, a refused file still changes nothing, and a row that cannot be stored stops the import
saying what was stored."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from tests.integration.directory.conftest import build_service, import_docs

from livingwell.access.models import AuditEvent
from livingwell.directory import actions
from livingwell.directory.models import Schedule, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(actions, "BATCH_ROWS", 25)


def test_a_file_longer_than_a_batch_is_stored_in_batches_each_audited(small_batches):
    result = import_docs(*[build_service(n) for n in range(10)])
    assert not result.problems and Service.objects.count() == 10
    events = list(AuditEvent.objects.filter(action="directory.import").order_by("id"))
    rows = result.created + result.updated
    assert len(events) == -(-rows // 25) > 1
    assert [e.detail["batch"] for e in events] == list(range(1, len(events) + 1))
    assert {e.detail["batches"] for e in events} == {len(events)}
    assert events[-1].detail["created"] == result.created


def test_references_across_batches_are_kept(small_batches):
    # Each service's schedules, locations and phones come in later batches than the service.
    import_docs(*[build_service(n) for n in range(10)])
    for service in Service.objects.all():
        assert Schedule.objects.filter(service=service).count() == 1
        assert service.service_at_locations.get().location.addresses.count() == 1


def test_a_bad_row_in_the_last_batch_still_refuses_the_whole_file(small_batches):
    docs = [build_service(n) for n in range(10)]
    docs[-1]["schedules"][0]["opens_at"] = "ten o'clock"
    with pytest.raises(actions.ImportRefused, match="Nothing was changed"):
        import_docs(*docs)
    assert not Service.objects.exists()
    assert not AuditEvent.objects.filter(action="directory.import").exists()


def test_a_row_that_cannot_be_stored_stops_the_import_and_says_what_was_stored(
    small_batches, monkeypatch
):
    docs = [build_service(n) for n in range(10)]
    save = Schedule.save

    def refuse_one(self, *args, **kwargs):
        if self.pk and str(self.pk) == docs[6]["schedules"][0]["id"]:
            raise DatabaseError("disk I/O error")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Schedule, "save", refuse_one)
    with pytest.raises(actions.ImportStopped) as stopped:
        import_docs(docs)  # one file: an array of services
    message = str(stopped.value)
    assert "[6].schedules[0]" in message and "Import the file again" in message
    stored = AuditEvent.objects.filter(action="directory.import")
    assert stored.exists()  # the earlier batches, each with its audit event
    assert f"{stored.order_by('-id').first().detail['created']} row(s)" in message
    # Importing again once the fault has passed completes it.
    monkeypatch.setattr(Schedule, "save", save)
    import_docs(docs)
    assert Schedule.objects.count() == 10
