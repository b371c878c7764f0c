"""Far dates in an insight period are refused with a message, never a 500 or a huge computation.

Every insight page reads its period through one form (insight.views.FilterForm): the pages show
the message beside the date; the CSV, the board report and the drill-down answer 400 with it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login

from livingwell.access.models import AuditEvent
from livingwell.insight.views import EARLIEST_PERIOD, FilterForm, latest_period_day

pytestmark = pytest.mark.django_db

FAR = [
    {"from": "9999-01-01"},
    {"from": "0001-01-01"},
    {"to": "9999-12-31"},
    {"from": "0001-01-01", "to": "0001-02-01"},
    {"from": "9999-12-01", "to": "9999-12-31"},
]
PAGES = [("insight:dashboard", []), ("insight:metric", ["waits"])]
DOWNLOADS = [
    ("insight:csv", ["waits"]),
    ("insight:board_report", []),
    ("insight:drilldown", ["urgent_not_same_day"]),
]


@pytest.mark.parametrize("query", FAR)
@pytest.mark.parametrize("name,args", PAGES)
def test_far_dates_on_a_page_are_explained_beside_the_date(client, personas, name, args, query):
    login(client, personas.analyst)
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a date from 1 January 2000" in html
    typed = query.get("from") or query["to"]
    assert f'value="{typed}"' in html  # the typing is kept


@pytest.mark.parametrize("query", FAR)
@pytest.mark.parametrize("name,args", DOWNLOADS)
def test_far_dates_for_a_download_or_drilldown_answer_400(client, personas, name, args, query):
    login(client, personas.key_worker if "drilldown" in name else personas.analyst)
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a date from 1 January 2000" in response.content.decode()
    assert not AuditEvent.objects.filter(action="insight.drilldown").exists()


def test_a_download_with_a_bad_filter_is_refused_not_given_for_another_period(client, personas):
    """Before, an unreadable filter quietly gave the default period's figures under its name."""
    login(client, personas.analyst)
    response = client.get(reverse("insight:csv", args=["waits"]), {"from": "2026-13-45"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_a_start_alone_far_back_is_measured_against_the_default_end(client, personas):
    """Only ``from`` given: the period still ends on the default end, so its length counts."""
    login(client, personas.analyst)
    response = client.get(reverse("insight:metric", args=["waits"]), {"from": "2000-01-01"})
    assert response.status_code == 200
    assert "Choose a period of ten years or less." in response.content.decode()


def test_the_range_is_inclusive_at_both_ends():
    today = timezone.localdate()
    last = latest_period_day(today)
    assert last == today + timedelta(days=366)
    assert EARLIEST_PERIOD == date(2000, 1, 1)
    assert FilterForm({"start": "2000-01-01", "end": "2000-12-31"}).is_valid()
    assert FilterForm({"start": (last - timedelta(days=30)).isoformat(), "end": last}).is_valid()
    before = FilterForm({"start": "1999-12-31", "end": "2000-12-31"})
    assert not before.is_valid() and "start" in before.errors
    after = FilterForm({"start": today.isoformat(), "end": (last + timedelta(days=1)).isoformat()})
    assert not after.is_valid() and "end" in after.errors


def test_a_sensible_period_still_works_for_every_download(client, personas):
    login(client, personas.analyst)
    query = {"from": "2026-01-05", "to": "2026-01-18"}
    assert client.get(reverse("insight:csv", args=["waits"]), query).status_code == 200
    assert client.get(reverse("insight:board_report"), query).status_code == 200
