import importlib

import pytest
from django.apps import apps as django_apps

from tests.factories import Personas

# Rows that data migrations create. A transactional test (every browser test) empties the
# database when it ends, so they are put back before each test that needs them.
REFERENCE_DATA = [
    "livingwell.hub.migrations.0002_default_tiers",
    "livingwell.outcomes.migrations.0002_default_schedules",
]


def load_reference_data() -> None:
    for module in REFERENCE_DATA:
        importlib.import_module(module).forwards(django_apps, None)


@pytest.fixture
def personas(db) -> Personas:
    load_reference_data()
    return Personas()


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        load_reference_data()
