"""An id that arrives as text is a UUID or nothing: a bad one reads as "not found"."""

from __future__ import annotations

import uuid

import pytest

from livingwell.core.ids import as_uuid

ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize("text", [str(ID), str(ID).upper(), ID.hex, ID])
def test_an_id_in_any_spelling_of_a_uuid_is_read(text):
    assert as_uuid(text) == ID


@pytest.mark.parametrize("text", [None, "", "None", "12345", "not-an-id", "1' OR '1'='1", ["x"]])
def test_anything_else_is_nothing(text):
    assert as_uuid(text) is None
