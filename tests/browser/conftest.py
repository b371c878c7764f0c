"""Browser journeys: Playwright driving Debian's Chromium against the live test server, with
axe-core checking every page a test visits."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

# Every log record of the browser suite is scanned for the people it made (names, NHS numbers,
# dates of birth, phones, e-mails); the session fails at its end if one is found.
from tests.logscan import no_person_data_in_logs  # noqa: F401 (a session-wide fixture)

# Playwright's sync API keeps an event loop in this thread; Django's ORM calls made by the test
# itself (building fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items):
    browser_items = []
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The live server needs committed data (tests/conftest.py reloads the rows data
            # migrations create, since each transactional test empties the database).
            item.add_marker(pytest.mark.django_db(transaction=True))
            browser_items.append(item)
    # The browser journeys run last: once Playwright has started, its event loop stays in the
    # test thread for the rest of the session, and code that bridges to async (asgiref's
    # async_to_sync, as django-health-check's /health/ does) refuses to run beside it. A server
    # has no such loop, so only a test run would see the refusal.
    if browser_items:
        chosen = set(map(id, browser_items))
        items[:] = [i for i in items if id(i) not in chosen] + browser_items


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="lw-chromium-")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.console_errors = errors
    pg.lw_base = live_server.url
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.lw_base = live_server.url
    yield pg
    context.close()


_axe = Axe()

# Every page a test visits is checked at a small phone, a common phone and a laptop width.
WIDTHS = (320, 390, 1280)
# NHS.UK frontend's font stack, as the browser reports it for body text.
NHS_FONT_STACK = '"Frutiger W01", arial, sans-serif'

_LAYOUT = """() => {
  const root = document.documentElement;
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest('.lw-scroll-x'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
      ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
  const text = document.querySelector('main p, main li, main td, main label, p') || document.body;
  return {
    scroll: root.scrollWidth, client: root.clientWidth, wide,
    font: getComputedStyle(text).fontFamily,
  };
}"""


_NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _axe_violations(page) -> list[str]:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    lines = []
    for v in results.response.get("violations", []):
        targets = [n.get("target") for n in v.get("nodes", [])][:3]
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} at {targets}")
    return lines


def assert_accessible(page) -> None:
    """The page as it is now, at each of WIDTHS: zero axe-core WCAG 2.2 A/AA violations of any
    impact, no sideways scrolling, and body text in NHS.UK frontend's font stack."""
    original = page.viewport_size
    problems: list[str] = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": original["height"]})
            # NHS.UK frontend lays the header's menu out again on the next animation frame after
            # a resize (as it does for a person turning their phone): measure after it has.
            page.evaluate(_NEXT_FRAMES)
            layout = page.evaluate(_LAYOUT)
            if layout["scroll"] > layout["client"]:
                problems.append(
                    f"at {width}px the page scrolls sideways ({layout['scroll']}px wide);"
                    f" too wide: {layout['wide']}"
                )
            if layout["font"] != NHS_FONT_STACK:
                problems.append(f"at {width}px body text is in {layout['font']!r}")
            problems += [f"at {width}px {line}" for line in _axe_violations(page)]
    finally:
        page.set_viewport_size(original)
    if problems:
        raise AssertionError("\n".join([f"{page.url}: {len(problems)} problem(s)", *problems]))


def sign_in_as(page, user) -> None:
    """Put a signed-in, MFA-verified session cookie for `user` into the browser context."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    from livingwell.accounts.models import UserSession

    UserSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.lw_base}]
    )
