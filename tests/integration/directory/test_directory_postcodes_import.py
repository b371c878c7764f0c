"""Importing postcode centroids reads the whole file (an ONS file has millions of postcodes)
before it writes anything, and writes the districts in short batches: on SQLite a transaction
that writes holds the database's single write lock, so reading the file inside one made every
page that writes wait for the whole file."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from livingwell.access.models import AuditEvent
from livingwell.core.models import SiteConfig
from livingwell.directory import postcodes
from livingwell.directory.models import PostcodeDistrict


def _write_from_another_connection(done: threading.Event) -> None:
    try:
        SiteConfig.objects.filter(pk=1).update(name="Written beside the import")
        done.set()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_page_can_write_while_the_postcode_file_is_read(monkeypatch):
    SiteConfig.current()
    wrote = threading.Event()
    outcode = postcodes.outcode
    calls = []

    def reading(value):
        if not calls:  # while the first row of the file is being read
            other = threading.Thread(
                target=_write_from_another_connection, args=(wrote,), daemon=True
            )
            other.start()
            other.join(timeout=3)
        calls.append(value)
        return outcode(value)

    monkeypatch.setattr(postcodes, "outcode", reading)
    n = postcodes.import_centroids(by=None, path=postcodes.DEMO_FILE)
    assert wrote.is_set(), "a write beside the import waited for it"
    assert n == PostcodeDistrict.objects.count() > 0


@pytest.mark.django_db
def test_districts_are_stored_in_audited_batches(monkeypatch, tmp_path):
    monkeypatch.setattr(postcodes, "BATCH_ROWS", 3)
    f = tmp_path / "districts.csv"
    rows = [f"SE{n},51.4{n},-0.1{n}" for n in range(1, 8)]
    f.write_text("outcode,latitude,longitude\n" + "\n".join(rows) + "\n")
    assert postcodes.import_centroids(by=None, path=f) == 7
    assert PostcodeDistrict.objects.count() == 7
    events = AuditEvent.objects.filter(action="directory.postcodes.import").order_by("id")
    assert [e.detail for e in events] == [
        {"districts": 7, "batch": 1, "batches": 3},
        {"districts": 7, "batch": 2, "batches": 3},
        {"districts": 7, "batch": 3, "batches": 3},
    ]


@pytest.mark.django_db
def test_a_bad_row_anywhere_stores_nothing(tmp_path):
    f = tmp_path / "districts.csv"
    f.write_text("outcode,latitude,longitude\nSE1,51.5,-0.1\nSE2,51.5,-0.1\nnope,51.5,-0.1\n")
    with pytest.raises(postcodes.CentroidFileError, match="row 4"):
        postcodes.import_centroids(by=None, path=f)
    assert not PostcodeDistrict.objects.exists()
