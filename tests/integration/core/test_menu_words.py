"""The staff menu's words are translated in the request's language, like the rest of the page."""

from django.utils import translation
from tests import factories


def test_the_menu_is_in_the_language_of_the_request(personas, client):
    catalog = translation.trans_real.translation(translation.get_language())._catalog
    catalog["Huddle board"] = "Bwrdd y cyfarfod"  # as a site's catalogue would give it
    try:
        factories.login(client, personas.hub_worker)
        html = client.get("/hub/").content.decode()
    finally:
        catalog._catalogs[0].pop("Huddle board")  # (the catalogue has no way to delete)
    nav = html.split('aria-label="Menu"', 1)[1].split("</nav>", 1)[0]
    assert "Bwrdd y cyfarfod" in nav
    assert "Huddle board" not in nav
