"""The board never drops work silently: past its row limit it says how much is not shown."""

import pytest
from tests import factories

from livingwell.hub import queries

pytestmark = pytest.mark.django_db


def test_board_states_how_many_items_are_not_shown(personas, monkeypatch, client):
    for _ in range(5):
        factories.introduction()
    monkeypatch.setattr(queries, "BOARD_LIMIT", 3)
    board = queries.huddle_board(personas.hub_worker)
    assert len(board.new) == 3 and board.hidden == 2
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/").content.decode()
    assert "2 more items are not shown" in html


def test_no_warning_when_everything_fits(personas):
    factories.introduction()
    board = queries.huddle_board(personas.hub_worker)
    assert board.hidden == 0 and len(board.new) == 1
