"""Part 2: editors saving concurrently through gunicorn on SQLite (see `editing`)."""

import pytest

from .durations import CI
from .editing import run_concurrent_editors
from .server import serving

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def figures(template, module_directory):
    with serving(template, module_directory / "archive") as server:
        return run_concurrent_editors(server, CI.editors, CI.editing_seconds)


def test_every_acknowledged_save_is_in_the_database(figures):
    assert figures["acknowledged"] > 0
    assert figures["lost"] == 0, figures["lost_examples"]
    assert figures["found"] == figures["acknowledged"]
    assert figures["integrity"] == "ok"


def test_a_refused_save_leaves_nothing_behind(figures):
    assert figures["half_written"] == 0, figures["half_written_examples"]


def test_no_editor_sees_database_is_locked_or_a_server_error(figures):
    assert figures["database_is_locked_seen"] == 0
    assert figures["server_errors"] == 0
    assert figures["exceptions"] == 0, figures["exception_examples"]


def test_saves_are_refused_only_for_a_newer_version_or_a_busy_database(figures):
    assert figures["refused_invalid"] == 0, figures["invalid_examples"]
    # A write that waited SQLITE_TIMEOUT for the lock answers 503: rare at this load.
    assert figures["busy_503"] <= 0.05 * figures["saves_sent"]


def test_public_pages_answer_while_editors_save(figures):
    public = figures["public"]
    assert public["requests"] > 0
    assert public["errors"] == 0, public["error_examples"]
    assert public["p99_ms"] < 5000
