"""The site's directory review period, and "Your listings" in the staff navigation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests import factories

from livingwell.core.models import SiteConfig
from livingwell.directory import actions
from livingwell.directory.models import Service

pytestmark = pytest.mark.django_db


def _owned_listing(seeded, personas, *, checked_days_ago: int) -> Service:
    svc = Service.objects.get(id=seeded["services"][0]["id"])
    actions.set_network_details(
        by=None,
        details=[
            {
                "service_id": svc.id,
                "network_organisation": personas.vcs,
                "last_checked": timezone.localdate() - timedelta(days=checked_days_ago),
            }
        ],
    )
    return svc


def _row(html: str, name: str) -> str:
    """The table row of the listing called ``name``."""
    return html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]


def test_review_period_defaults_to_six_months(db):
    assert SiteConfig.current().directory_review_months == 6


def test_listing_checked_four_months_ago(seeded, personas, client):
    svc = _owned_listing(seeded, personas, checked_days_ago=122)
    factories.login(client, personas.partner_worker)

    html = client.get("/directory/mine/").content.decode()
    assert "Up to date" in _row(html, svc.name)

    # The site shortens its review period to three months: the same listing is now overdue.
    config = SiteConfig.current()
    config.directory_review_months = 3
    config.save()
    html = client.get("/directory/mine/").content.decode()
    assert "Check overdue" in _row(html, svc.name)
    assert "not been checked for more than 3 months." in html
    page = client.get(f"/directory/{svc.id}/").content.decode()
    assert "Check overdue (older than 3 months)" in page


def test_staff_nav_offers_your_listings_to_listing_editors(personas, client):
    factories.login(client, personas.partner_worker)
    html = client.get("/directory/mine/").content.decode()
    nav = html.split('aria-label="Menu"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/directory/mine/"' in nav and "Your listings" in nav
    # Only the deepest matching item is marked as the current page.
    assert html.count('aria-current="page"') == 1


def test_staff_nav_hides_your_listings_without_permission(personas, client):
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/").content.decode()
    assert "Your listings" not in html
    assert client.get("/directory/mine/").status_code == 403
