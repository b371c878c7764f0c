import pytest

from tests.factories import Personas


@pytest.fixture
def personas(db) -> Personas:
    return Personas()
