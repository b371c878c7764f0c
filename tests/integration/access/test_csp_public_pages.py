"""The public surface allows only our own origin: no third-party scripts, fonts, pixels or CDNs."""

import re

import pytest

PUBLIC_PAGES = [
    "/",
    "/urgent-help/",
    "/accessibility/",
    "/privacy/",
    "/introduce/",
    "/introduce/for-myself/",
    "/introduce/for-someone-else/",
    "/account/sign-in/",
    "/support/",
    "/impact/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_has_strict_csp_and_no_external_origins(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    for name in ["default-src", "script-src", "style-src", "font-src", "img-src", "connect-src"]:
        sources = directives[name].split()
        assert all(s in {"'self'", "data:"} for s in sources), (name, sources)
    assert directives["frame-ancestors"] == "'none'"
    html = response.content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html), "an external origin is referenced"
    assert "<script>" not in html and " style=" not in html
    # Every public page shows how to get urgent help now.
    for number in ["999", "111", "116 123"]:
        assert number in html
