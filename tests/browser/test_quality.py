"""Every kind of page is valid HTML, passes axe's accessibility rules and has a sound outline.

The pages are visited once, in one crawl, and each test then reads what the crawl recorded:
loading the archive and opening a page per test would take several times as long. The crawl
and the checker's run last the session (of the one test worker that runs this module): they
hold only what they recorded, and a worker of pytest-xdist runs this module's tests among
others', which would end a module fixture each time another module's test came between, and
start it again.
"""

import json
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import modify_settings
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from results.bulk import refresh_statistics

from ..conftest import PEREZ_FIXTURE
from ..helpers import forget_planner_statistics, load, on_the_test_database, public_pages
from ..snapshots import restore_baseline
from .conftest import (
    DESKTOP,
    NAVIGATION_TIMEOUT_MS,
    PHONE,
    new_context,
    server_state,
    skip_or_fail,
)

# On one test worker (`--dist loadgroup`, Makefile): a worker crawls the site once for all
# of them, where each worker that ran one of them crawled it again.
# Marked for the database, though each test reads only what the crawl recorded: pytest-django
# makes the test database only when a selected test is (run alone, `-k valid_html`, these
# checks once crawled the developer's own database, and would have emptied it after).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.xdist_group("site-crawl"),
]

# One page of each type, by a name for the test ids; the last one shows the 404 page.
PAGES = {
    **public_pages(),
    "correction": "/corrections/new/?athlete=jefferson-perez",
    "api-docs": "/api/v1/docs/",
    "not-found": "/no-such-page/",
}
NOT_FOUND = {"not-found"}
# The front door and the pages a Spanish-speaking reader opens first, asked for in Spanish
# (the browser's language): checked as the English ones are.
SPANISH = ("home", "athlete-list", "athlete", "event", "head-to-head", "search", "correction")
PAGES |= {f"{name}-es": PAGES[name] for name in SPANISH}

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

HEADINGS_JS = """
() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => ({
  level: Number(h.tagName[1]),
  text: h.textContent.trim().replace(/\\s+/g, " "),
}))
"""


@dataclass
class Visit:
    status: int
    html_file: Path
    axe: object
    headings: list
    phone_width: int


@pytest.fixture(scope="session")
def crawl_server(django_db_setup):
    """
    A live server for the crawl alone, up until the session ends as pytest-django's is: a
    request's thread may still be closing its connection when the crawl is done, and with
    the server stopped, SQLite's in-memory connection was no longer its to close.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def crawl(browser, crawl_server, django_db_blocker, tmp_path_factory):
    """Load the archive as shipped, visit every page once, then empty the database again.

    For each page it keeps the status, the raw HTML the server sent (for the validator: what
    the browser's DOM serialises back is not what was sent), axe's results and the headings.

    It has a live server of its own rather than asking for `live_server`: with that among
    their fixtures, pytest-django would run each of these tests in real transactions and
    empty the database after each, seventy-odd times. A session fixture is made before any
    test's transaction begins, so the server sees what it loads.
    """
    # It empties the database when done: never one that is not the test database.
    if not on_the_test_database():
        pytest.fail(f"the crawl would empty {connection.settings_dict['NAME']}: no test database")
    html_dir = tmp_path_factory.mktemp("html")
    host = urlsplit(crawl_server.url).hostname
    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": host}):
        try:
            return visit_every_page(browser, crawl_server.url, html_dir)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            forget_planner_statistics()
            restore_baseline()


def visit_every_page(browser, url, html_dir):
    """Each page of `PAGES`, visited on the server at `url` with the archive as shipped."""
    load(*settings.REFERENCE_FIXTURES, PEREZ_FIXTURE)
    # Fresh planner statistics for the tables just loaded, as a live database keeps. A
    # test worker's database is no live one: rolled-back tests leave it dead rows, and on
    # PostgreSQL the statistics a test took inside its transaction stay (a generation
    # test's 40,000 results for a table that holds 47). Three times, on PostgreSQL, the
    # head-to-head page's query ran for over a minute in the crawl, where it takes a
    # millisecond; stale statistics are the one difference from a live database found.
    refresh_statistics()
    visits = {}
    contexts = {language: new_context(browser, locale=language) for language in ("en", "es")}
    try:
        for name, path in PAGES.items():
            context = contexts["es" if name.endswith("-es") else "en"]
            page, response = open_page(context, url + path)
            html_file = html_dir / f"{name}.html"
            html_file.write_bytes(response.body())
            axe, headings = Axe().run(page), page.evaluate(HEADINGS_JS)
            page.set_viewport_size(PHONE)
            phone_width = page.evaluate("document.documentElement.scrollWidth")
            page.set_viewport_size(DESKTOP)
            visits[name] = Visit(
                status=response.status,
                html_file=html_file,
                axe=axe,
                headings=headings,
                phone_width=phone_width,
            )
    finally:
        for context in contexts.values():
            context.close()
    return visits


def open_page(context, url):
    """
    The context's page, at `url`, and the server's response. A load that times out is tried
    again, once, in a new page (the first may still be loading): of the many pages the suite
    opens, CI once saw one stall, on a busy machine. A second timeout fails the crawl. Either
    way the message says what the server was doing the first time.
    """
    page = context.pages[0] if context.pages else context.new_page()
    try:
        return page, page.goto(url)
    except PlaywrightTimeoutError:
        state = server_state()
    page.close()
    page = context.new_page()
    seconds = NAVIGATION_TIMEOUT_MS // 1000
    try:
        response = page.goto(url)
    except PlaywrightTimeoutError:
        pytest.fail(f"{url} did not load in {seconds} s, twice. The server, the first:\n{state}")
    warnings.warn(f"{url} loaded on a second try. The server, the first:\n{state}", stacklevel=2)
    return page, response


@pytest.fixture(scope="session")
def html_errors(request):
    """The Nu HTML Checker's errors, by page name, from one run over every page's HTML."""
    java = shutil.which("java")
    if java is None:
        skip_or_fail("no `java` on PATH to run the Nu HTML Checker; install a JRE (17+)")
    if not VNU_JAR.exists():
        skip_or_fail(f"no Nu HTML Checker at {VNU_JAR}; run `npm install` in the project root")
    crawl = request.getfixturevalue("crawl")  # Only once the checker is known to be there.
    files = {visit.html_file.resolve(): name for name, visit in crawl.items()}
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
    )
    # vnu writes its report to stderr and exits 1 when it finds errors.
    try:
        messages = json.loads(run.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"the Nu HTML Checker gave no JSON report (exit {run.returncode}):\n{run.stderr}"
        )
    unchecked = [message for message in messages if message.get("type") == "non-document-error"]
    if unchecked:
        pytest.fail(f"the Nu HTML Checker could not check every page: {unchecked}")
    errors = {name: [] for name in crawl}
    for message in messages:
        if message.get("type") == "error":
            path = Path(urlsplit(message["url"]).path).resolve()
            errors[files[path]].append(message)
    return errors


@pytest.mark.parametrize("name", PAGES)
def test_page_answers_with_its_status(crawl, name):
    """A page that failed to render would be checked as if it were the page itself."""
    expected = 404 if name in NOT_FOUND else 200
    assert crawl[name].status == expected, f"{PAGES[name]} answered {crawl[name].status}"


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(crawl, name):
    """axe finds the faults a screen reader or keyboard user would meet (contrast, names, ...)."""
    results = crawl[name].axe
    assert results.violations_count == 0, f"{PAGES[name]}: {results.generate_report()}"


@pytest.mark.parametrize("name", PAGES)
def test_page_headings_form_an_outline(crawl, name):
    """One h1 names the page, and no level is skipped going down, so headings navigate it."""
    headings = crawl[name].headings
    outline = "\n".join(f"{'  ' * (h['level'] - 1)}h{h['level']} {h['text']}" for h in headings)
    h1_count = sum(1 for h in headings if h["level"] == 1)
    assert h1_count == 1, f"{PAGES[name]} has {h1_count} h1 headings:\n{outline}"
    jumps = [
        f"h{before['level']} {before['text']!r} -> h{after['level']} {after['text']!r}"
        for before, after in zip(headings, headings[1:], strict=False)
        if after["level"] > before["level"] + 1
    ]
    assert not jumps, f"{PAGES[name]} skips heading levels: {jumps}\n{outline}"


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_screen(crawl, name):
    """At 375 px nothing pushes the page sideways: wide tables scroll in their own box."""
    width = crawl[name].phone_width
    assert width <= PHONE["width"], f"{PAGES[name]} is {width} px wide on a 375 px screen"


@pytest.mark.parametrize("name", PAGES)
def test_page_is_valid_html(html_errors, name):
    """Invalid markup is parsed differently by each browser and by assistive technology."""
    errors = html_errors[name]
    report = "\n".join(
        f"  line {error.get('lastLine', '?')}: {error['message']}"
        f" [{error.get('extract', '').strip()}]"
        for error in errors
    )
    assert len(errors) == 0, f"{PAGES[name]} has {len(errors)} HTML errors:\n{report}"


@pytest.mark.parametrize("name", [f"{name}-es" for name in SPANISH])
def test_a_spanish_readers_page_is_served_in_spanish(crawl, name):
    html = crawl[name].html_file.read_text(encoding="utf-8")
    assert '<html lang="es">' in html
