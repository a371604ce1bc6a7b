"""Real Chromium against the live server: one browser, a page per person, axe on
every page and a guard that nothing is fetched from outside the machine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # The browser fixture skips, or fails when browsers are required.
    expect = None

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = (
    Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "correct horse battery"
STYLESHEET_LOADED = """() => [...document.styleSheets].some(
    sheet => (sheet.href || "").endsWith("/site.css") && sheet.cssRules.length > 0
)"""


def _missing_requirements() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        missing.append(f"{AXE_JS} (npm install)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[dev]')")
    return missing


def _skip_or_fail_without_requirements() -> None:
    missing = _missing_requirements()
    if not missing:
        return
    message = "browser tests need " + ", ".join(missing)
    if os.environ.get("STUDYHALL_BROWSER_REQUIRED") == "1":
        pytest.fail(message + " (STUDYHALL_BROWSER_REQUIRED=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Start Chromium once for the browser tests.

    Package scope rather than session: Playwright's sync API keeps an event
    loop marked as running in this thread while it is started, which breaks
    the ORM and pytest-asyncio in any test that runs after it. Stopping it
    when the package is done leaves the rest of the suite untouched. For the
    same reason DJANGO_ALLOW_ASYNC_UNSAFE is set only while it runs.
    """
    _skip_or_fail_without_requirements()
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()


@pytest.fixture
def new_page(
    browser: Any, live_server: Any, transactional_db: Any
) -> Iterator[Callable[[], Any]]:
    """Return a factory of pages, each in its own context (one per person).

    Every request any of the pages makes is recorded; at the end of the test
    each must have gone to the live server.
    """
    contexts: list[Any] = []
    requested: list[str] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: requested.append(request.url))
        contexts.append(context)
        return context.new_page()

    yield make

    for context in contexts:
        context.close()
    outside = [
        url
        for url in requested
        if not url.startswith((live_server.url + "/", "data:", "blob:"))
    ]
    assert not outside, f"requests left the machine: {outside}"


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    return new_page()


def axe_check(page: Any) -> None:
    """Run axe on the page and fail on any serious or critical WCAG violation.

    The site's CSP allows only scripts from itself, so a <script> element
    added by add_script_tag would be blocked; evaluating the source through
    the DevTools protocol leaves the CSP in force for the site's own code.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
        AXE_TAGS,
    )
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}" for node in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"axe found problems on {page.url}:\n{report}"


def visit(page: Any, url: str) -> Any:
    """Open a page, wait until it has loaded, check it with axe and return the response."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, (
        f"{url} answered {response and response.status}"
    )
    # Contrast checks mean little on an unstyled page.
    assert page.evaluate(STYLESHEET_LOADED), f"site.css did not load on {url}"
    axe_check(page)
    return response


def click_through(page: Any, element: Any) -> Any:
    """Click a link or a submit button, wait for the page it leads to, check it with
    axe and return the response."""
    with page.expect_navigation(wait_until="load") as navigation:
        element.click()
    axe_check(page)
    return navigation.value


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    visit(page, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    click_through(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
