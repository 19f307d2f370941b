"""Part 4: a worker killed, the database unreadable, the disk full, a backup during writes."""

import os

import pytest

from .durations import CI
from .faults import backup_during_writes, database_unreadable, disk_full, worker_killed
from .server import serving

pytestmark = pytest.mark.reliability


def test_a_killed_worker_loses_at_most_the_requests_it_had_in_flight(template, tmp_path):
    with serving(template, tmp_path / "archive") as server:
        figures = worker_killed(server, CI.kill_seconds)
    assert figures["failed"] <= figures["in_flight_at_kill"], figures["failed_examples"]
    assert figures["failed_after_the_kill"] == 0
    assert figures["editor_requests_failed_after_the_kill"] == 0
    assert figures["answered_after_the_kill"] > 0
    assert figures["worker_replaced"]
    assert set(figures["pages_after"]) == {"200"}
    saves = figures["saves"]
    assert saves["lost"] == 0 and saves["half_written"] == 0


# An unreadable file as root can make it: a directory in its place (chmod 000 when not root),
# random bytes, or no file at all (a volume not mounted).
UNREADABLE = [
    "cannot-open",
    "garbage",
    "missing",
]


@pytest.mark.parametrize("how", UNREADABLE)
def test_an_unreadable_database_gives_503_pages_then_200_again_without_a_restart(
    template, tmp_path, how
):
    if how == "cannot-open":
        how = "directory" if os.geteuid() == 0 else "chmod"
    with serving(template, tmp_path / "archive") as server:
        figures = database_unreadable(server, how, CI.unreadable_seconds)
        still_running = server.process.poll() is None
    assert figures["worker_replaced_while_away"]
    assert still_running, figures["server_stopped_because"] + figures["errors_logged"]
    assert figures["requests_while_away"] > 0
    assert figures["recovered_after_ms"] is not None
    assert figures["integrity"] == "ok"
    assert figures["statuses_while_away"] == {"503": figures["requests_while_away"]}, figures[
        "problems"
    ]


def test_a_full_disk_gives_a_clean_error_and_leaves_nothing_half_written(template, tmp_path):
    figures = disk_full(template, tmp_path / "archive", full=CI.disk_full_seconds)
    saves = figures["saves"]
    assert figures["saves_while_full"] > 0
    assert figures["clean_error_pages"] > 0
    assert saves["server_errors"] == 0 and saves["database_is_locked_seen"] == 0
    assert saves["exceptions"] == 0, saves["exception_examples"]
    assert saves["lost"] == 0, saves["lost_examples"]
    assert saves["half_written"] == 0, saves["half_written_examples"]
    assert figures["counts_consistent"], (figures["rows_added"], figures["rows_acknowledged"])
    # Nothing changed while the disk was full, unless a save found room in the log.
    assert figures["checksum_unchanged_while_full"] or figures["acknowledged_while_full"] > 0
    assert figures["acknowledged_after"] > 0
    assert figures["public_while_full"]["errors"] == 0
    assert figures["integrity"] == "ok"


def test_a_backup_taken_during_writes_restores_row_for_row(template, tmp_path):
    with serving(template, tmp_path / "archive") as server:
        figures = backup_during_writes(server, duration=CI.backup_seconds)
    assert figures["saves"]["lost"] == 0
    assert figures["tables_differing"] == []
    assert figures["manifest_mismatch"] == []
    assert figures["acknowledged_before_backup"] > 0
    assert (
        figures["acknowledged_before_backup_in_snapshot"] == figures["acknowledged_before_backup"]
    )
    assert figures["saved_after_backup_in_snapshot"] == 0
    assert figures["snapshot_integrity"] == "ok" and figures["restored_integrity"] == "ok"
