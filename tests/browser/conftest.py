"""Fixtures for the browser tests: one headless Chromium for the session, a fresh page per test.

The browser is Debian's Chromium, never one that Playwright downloads. Without it the tests
skip on a developer's machine, but fail under CI, where a skipped browser suite would pass
silently.
"""

import os
import shutil
import sys
import threading
import traceback
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000
# A page load waits on the live server, which shares the machine with every other worker of
# the suite and with PostgreSQL: on CI, a page that takes a fifth of a second here once took
# more than TIMEOUT_MS to load.
NAVIGATION_TIMEOUT_MS = 30_000


def in_ci():
    return bool(os.environ.get("CI"))


def skip_or_fail(reason):
    """Skip on a developer's machine; fail under CI, which must run the browser tests."""
    if in_ci():
        pytest.fail(f"CI must run the browser tests, but {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium():
    """CHROMIUM_PATH if set, else Debian's Chromium, else whatever `chromium` is on PATH."""
    candidates = [os.environ.get("CHROMIUM_PATH"), DEBIAN_CHROMIUM, shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        where = os.environ.get("CHROMIUM_PATH") or DEBIAN_CHROMIUM
        skip_or_fail(
            f"no Chromium found at {where} (nor `chromium` on PATH); "
            "install Debian's chromium package (apt-get install chromium)"
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole session: launching it is the slowest step.

    Playwright's sync API keeps an event loop running in this thread until the session ends,
    which Django takes for async code and so refuses the ORM (loading fixtures, flushing the
    test database), here and in any test that runs later. Those calls are plain synchronous
    ones, so Django's guard is lifted for as long as Playwright runs.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed; run `make setup`")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def new_context(browser, **options):
    """A desktop-sized browser context with the suite's timeouts."""
    context = browser.new_context(viewport=DESKTOP, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


def server_state():
    """
    What the live server was doing, for the message of a page that did not load: the stack of
    each other thread of this process that is in the project's code or Django's, and on
    PostgreSQL what the database says of it (`postgresql_state`).
    """
    from django.db import connection

    lines = []
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        stack = traceback.format_stack(frame)
        if any(str(settings.BASE_DIR) in line and ".venv" not in line for line in stack) or any(
            "django" in line for line in stack[-3:]
        ):
            lines.append(f"thread {names.get(ident, ident)}:\n" + "".join(stack[-12:]))
    if connection.vendor == "postgresql":
        lines += postgresql_state(connection, running_queries(names))
    return "\n".join(lines) or "no thread in the project's code or Django's, no busy session"


def running_queries(names):
    """The SQL and parameters each other thread is waiting on the database for, by thread."""
    queries = {}
    for ident, frame in sys._current_frames().items():
        while frame is not None and ident != threading.get_ident():
            code = frame.f_code
            if code.co_name == "_execute" and code.co_filename.endswith("db/backends/utils.py"):
                queries[names.get(ident, ident)] = (frame.f_locals["sql"], frame.f_locals["params"])
                break
            frame = frame.f_back
    return queries


def postgresql_state(connection, queries):
    """
    PostgreSQL's side of a stall: its version; the sessions that are not idle (for how long,
    waiting on what) and the transactions open for long in any database; the plan it
    chooses now for each query a thread waits on (planning alone, within 5 s: a plan that
    takes longer to make is itself the stall); and the planner's idea of those queries'
    tables beside what the tables hold.
    """
    lines = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        lines.append(cursor.fetchone()[0])
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event, now() - query_start,"
            " left(query, 200) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state <> 'idle'"
        )
        lines += [f"PostgreSQL session {row}" for row in cursor.fetchall()]
        # Transactions open for over ten seconds, in any database: they keep the rows they
        # might still see from being cleaned up, and the planner reads past such rows.
        cursor.execute(
            "SELECT pid, datname, backend_type, state, now() - xact_start, backend_xmin,"
            " left(query, 100) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND xact_start < now() - interval '10 seconds'"
        )
        lines += [f"long transaction {row}" for row in cursor.fetchall()]
        cursor.execute(
            "SELECT s.relname, n_live_tup, n_dead_tup, c.reltuples, c.relpages,"
            " pg_relation_size(relid) / 8192, last_autovacuum, last_autoanalyze"
            " FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = relid"
            " WHERE s.relname LIKE 'results_%' OR s.relname LIKE 'athletes_%' ORDER BY 1"
        )
        lines.append(
            "tables (live, dead, planner's rows, planner's pages, pages, autovacuum, autoanalyze):"
        )
        lines += [
            f"  {row}"
            for row in cursor.fetchall()
            if any(f'"{row[0]}"' in sql for sql, _ in queries.values())
        ]
    for thread, (sql, params) in queries.items():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = '5s'")
                cursor.execute("EXPLAIN " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
        except DatabaseError as error:
            plan = [f"no plan: {error}"]
        lines.append(f"plan of {thread}'s query, now:\n  " + "\n  ".join(plan))
    return lines


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page, so no cookie or viewport leaks from one test to the next."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def site(browser, live_server, perez):
    """The live server's address, with the archive as shipped loaded into its database.

    `live_server` makes the database transactional, so the server's thread sees the fixtures
    and every test starts from the same data.
    """
    return live_server.url


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def editor_page(page, site):
    """The page, logged in through the admin's login form as an Editors-group account."""
    from django.contrib.auth.models import Group, User
    from playwright.sync_api import expect

    from results.roles import EDITORS

    editor = User.objects.create_user("editor", password="walk-20-km-fast", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("walk-20-km-fast")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Curate the archive")).to_be_visible()
    return page
