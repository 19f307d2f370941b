"""Part 3: many connections on a mix of public pages (see `load`)."""

import pytest

from .durations import CI
from .load import run_public_load
from .server import serving

pytestmark = pytest.mark.reliability


def test_sixty_four_connections_on_the_public_pages_meet_no_error(template, tmp_path):
    with serving(template, tmp_path / "archive") as server:
        figures = run_public_load(server, CI.connections, CI.load_seconds)
    print({key: value for key, value in figures.items() if key != "pages"})
    assert figures["errors"] == 0, figures["error_examples"]
    assert figures["requests"] >= 10 * CI.load_seconds
    assert figures["p50_ms"] is not None and figures["p99_ms"] is not None
