"""
Part 4: faults an operator meets, each under load.

* a worker killed (SIGKILL) while visitors read and editors save: only the requests it had
  in flight may fail, and the server goes on answering;
* the database made unreadable (replaced by garbage; chmod 000 too where the suite does not
  run as root, which ignores permissions): 503 pages, then 200 again once it is back,
  without a restart;
* the disk full during saves (a small tmpfs filled up where the suite may mount one, else a
  file-size limit on the workers): a clean error page, and nothing half-written;
* a backup taken while editors write, restored into a fresh file and compared row for row.
"""

import http.client
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path

from . import database
from .client import Client
from .editing import Ledger, run_editors, verify
from .load import hammer, public_mix
from .server import Archive, Server, manage

BUSY_PAGE = "The archive is busy"
# Time enough for a new worker to import the application (about a second here).
BOOT_SECONDS = 5
# The writes of the fault parts: rows added, many of them in forms of several rows.
WRITES = ("source", "highlights", "results", "athlete")


def _ms(seconds):
    return round(seconds * 1000, 1)


def worker_killed(server, duration=8, readers=8, editors=2):
    """SIGKILL one worker a third of the way through `duration` seconds of load."""
    paths = public_mix(server.archive.database)
    outcome = {}

    def kill(stop):
        reading = {}
        thread = threading.Thread(
            target=lambda: reading.update(
                result=hammer(server.port, paths, readers, duration, keep_alive=False, stop=stop)
            )
        )
        thread.start()
        time.sleep(duration / 3)
        workers = server.workers()
        victim = workers[0]
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        outcome.update(victim=victim, killed_at=killed_at, workers_before=workers)
        thread.join(timeout=duration + 60)
        outcome["workers_after"] = server.workers()
        return reading["result"]

    ledger, reading = run_editors(server, editors, duration, operations=WRITES, during=kill)
    killed_at = outcome["killed_at"]
    failed = reading.errors
    in_flight = [r for r in reading.records if r.started <= killed_at <= r.finished]
    failed_later = [r for r in failed if r.started > killed_at]
    saves = verify(ledger, server.archive.database)
    editors_failed = [s for s in ledger.saves if s.outcome == "exception"]
    # An editor's keep-alive connection may be the killed worker's own: a save sent on it
    # after the kill is lost with the worker, as a request in flight is (a POST is not sent
    # twice). Failures on connections opened after the kill are the server's.
    editors_failed_later = [s for s in editors_failed if s.connection_opened > killed_at]
    after = [r for r in reading.records if r.started > killed_at]
    probe = Client(server.port)
    final = [probe.get(path).status for path in paths]
    probe.close()
    return {
        "readers": readers,
        "editors": editors,
        "requests": reading.requests,
        "in_flight_at_kill": len(in_flight),
        "failed": len(failed),
        "failed_examples": sorted({f"{r.path}: {r.status} {r.error}" for r in failed})[:5],
        "failed_after_the_kill": len(failed_later),
        "answered_after_the_kill": sum(1 for r in after if r.status == 200),
        "worker_replaced": outcome["victim"] not in outcome["workers_after"]
        and len(outcome["workers_after"]) == len(outcome["workers_before"]),
        "pages_after": {str(k): v for k, v in Counter(final).items()},
        "editor_requests_failed": len(editors_failed),
        "editor_requests_failed_after_the_kill": len(editors_failed_later),
        "saves": saves,
    }


@contextmanager
def database_away(path, how):
    """
    The database file unreadable for the block's length, `how`:

    * "chmod": its permissions 000 (root reads it all the same);
    * "directory": a directory in its place, which SQLite cannot open even for root;
    * "garbage": random bytes in its place;
    * "missing": moved away, as when the volume it is on is not mounted.
    """
    database.checkpoint(path)
    saved = path.with_name(path.name + ".saved")
    if how == "chmod":
        path.chmod(0)
    else:
        os.replace(path, saved)
        if how == "garbage":
            path.write_bytes(os.urandom(saved.stat().st_size))
        elif how == "directory":
            path.mkdir()
    left = {}
    try:
        yield left
    finally:
        if how == "missing" and path.is_file():
            # What the server left where the database was: SQLite creates a missing file.
            left["created"] = path.stat().st_size
        if how == "chmod":
            path.chmod(0o644)
        else:
            if path.is_dir():
                path.rmdir()
            os.replace(saved, path)


def unreadable_ways():
    """chmod 000 means nothing to root, who reads any file: a directory stands in for it."""
    return ["directory" if os.geteuid() == 0 else "chmod", "garbage", "missing"]


def answer(client, path):
    """The answer to GET `path`, or None when none came (the server gone)."""
    try:
        return client.get(path)
    except (OSError, http.client.HTTPException):
        client.close()
        return None


def database_unreadable(server, how="garbage", seconds=3):
    """
    Public and admin pages while the file is unreadable, then until they answer 200. Halfway
    through, one worker is replaced (SIGTERM: it finishes its requests and the arbiter starts
    another), as gunicorn does after max_requests or a timeout: the new worker starts while
    the database is away.
    """
    paths = ["/", "/athletes/", public_mix(server.archive.database)[2], "/medals/"]
    visitor, editor = Client(server.port), Client(server.port)
    editor.log_in("editor0")
    pages = [*((visitor, p) for p in paths), (editor, "/admin/athletes/athlete/1/change/")]
    statuses, problems = Counter(), []
    log_start = len(server.log_text())
    workers_before = server.workers()
    with database_away(server.archive.database, how) as left:
        started = time.monotonic()
        replaced, booted_by = None, None
        # The file comes back once the replacement has had time to load the application
        # (gunicorn logs nothing when it has), or once the server has ended.
        while time.monotonic() < max(started + seconds, booted_by or 0) or (
            replaced and booted_by is None
        ):
            now = time.monotonic()
            if server.process.poll() is not None:
                break  # gunicorn has ended: nothing answers any more
            if replaced is None and now > started + seconds / 2:
                replaced = workers_before[0]
                # A worker that failed on the missing file may have been replaced already.
                with suppress(ProcessLookupError):
                    os.kill(replaced, signal.SIGTERM)
            elif replaced and booted_by is None:
                if now > started + seconds + 30:
                    break
                if set(server.workers()) - set(workers_before):
                    booted_by = now + BOOT_SECONDS
            for client, path in pages:
                response = answer(client, path)
                status = response.status if response else 0
                statuses[status] += 1
                if response is None:
                    time.sleep(0.1)  # refused at once: no reason to spin
                if status != 503:
                    problems.append(f"{path}: {status or 'no answer'} while the database was away")
                elif BUSY_PAGE not in response.text or not response.header("Retry-After"):
                    problems.append(f"{path}: a 503 without the busy page or Retry-After")
        restored_at = time.monotonic()
    # Back: the next requests reconnect, without a restart.
    recovered_after, after = None, Counter()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.process.poll() is None:
        answers = [getattr(answer(client, path), "status", 0) for client, path in pages]
        after.update(answers)
        if all(status == 200 for status in answers):
            recovered_after = time.monotonic() - restored_at
            break
        time.sleep(0.1)
    for client, _path in pages:
        client.close()
    log = server.log_text()[log_start:]
    running = server.process.poll() is None
    return {
        "how": how,
        "requests_while_away": sum(statuses.values()),
        "statuses_while_away": {str(k): v for k, v in sorted(statuses.items())},
        "problems": sorted(set(problems))[:10],
        "worker_replaced_while_away": replaced is not None,
        "statuses_after": {str(k): v for k, v in sorted(after.items())},
        "recovered_after_ms": None if recovered_after is None else _ms(recovered_after),
        "server_running_after": running,
        "server_stopped_because": re.findall(r"Reason: (.*)", log)[-1:] if not running else [],
        "errors_logged": logged_errors(log),
        "file_created_bytes": left.get("created"),
        "integrity": database.integrity(server.archive.database),
    }


def logged_errors(text):
    """The distinct exceptions (last line of each traceback) in a part of the server's log."""
    found = Counter(
        re.findall(r"^((?:\w+\.)+[A-Z]\w+: .*|[A-Z]\w*(?:Error|Exception): .*)$", text, re.M)
    )
    return [line for line, _count in found.most_common(3)]


class Disk:
    """Where the disk-full part keeps its database: a tmpfs of its own, if it can mount one."""

    SIZE = "24m"

    def __init__(self, directory):
        self.directory = directory
        self.mounted = False

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if shutil.which("mount") and os.geteuid() == 0:
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs", str(self.directory)],
                capture_output=True,
                timeout=30,
            )
            self.mounted = done.returncode == 0
        return self

    def __exit__(self, *exc_info):
        if self.mounted:
            done = subprocess.run(["umount", str(self.directory)], capture_output=True, timeout=30)
            if done.returncode != 0:
                subprocess.run(
                    ["umount", "-l", str(self.directory)], capture_output=True, timeout=30
                )

    @contextmanager
    def full(self, server):
        """No space left: a filler file takes what is free (or the workers may not grow files)."""
        if self.mounted:
            filler = self.directory / "filler"
            database.checkpoint(server.archive.database)
            descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                for size in (1 << 20, 1 << 16, 1 << 12):
                    try:
                        while os.write(descriptor, b"\0" * size):
                            pass
                    except OSError:
                        pass  # this size no longer fits: a smaller one may
            finally:
                os.close(descriptor)
            try:
                yield f"a {self.SIZE} tmpfs holding the database, filled up by a file, then freed"
            finally:
                filler.unlink()
        else:
            # No mount here: the workers may not write past the files' current ends, as
            # on a full disk (EFBIG instead of ENOSPC).
            workers = server.workers()
            limits = {pid: resource.prlimit(pid, resource.RLIMIT_FSIZE) for pid in workers}
            for pid in workers:
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, limits[pid][1]))
            try:
                yield "no tmpfs could be mounted: a file-size limit of 0 on the workers"
            finally:
                for pid, limit in limits.items():
                    with suppress(ProcessLookupError):
                        resource.prlimit(pid, resource.RLIMIT_FSIZE, limit)


def disk_full(template, directory, editors=4, before=2, full=4, after=3):
    """Saves before, during and after `full` seconds of a full disk."""
    with Disk(directory / "disk") as disk:
        archive = Archive(template, directory, database=directory / "disk" / "archive.sqlite3")
        with Server(archive) as server:
            return _disk_full(server, disk, editors, before, full, after)


def _disk_full(server, disk, editors, before, full, after):
    path = server.archive.database
    counts_before = database.row_counts(path)
    window = {}
    paths = public_mix(path)

    def fill(stop):
        time.sleep(before)
        with disk.full(server) as how:
            window.update(how=how, started=time.monotonic())
            time.sleep(0.5)  # saves that began before the disk filled have ended
            window["checksum_start"] = database.checksum(path)
            reading = hammer(server.port, paths, 2, full - 0.5, stop=stop)
            window["checksum_end"] = database.checksum(path)
            window["ended"] = time.monotonic()
        window["reading"] = reading
        time.sleep(after)

    ledger, _ = run_editors(server, editors, before + full + after, operations=WRITES, during=fill)
    saves = verify(ledger, path)
    # The saves answered while the disk was full (one that waited for the write lock until
    # space came back may well succeed).
    during = [
        s
        for s in ledger.saves
        if s.started >= window["started"] + 0.5 and s.finished <= window["ended"]
    ]
    after_saves = [s for s in ledger.saves if s.started > window["ended"] + 0.5]
    clean = [s for s in during if s.outcome == "busy"]
    counts_after = database.row_counts(path)
    added = {
        "athletes_source": sum(
            1 for s in ledger.saves if s.operation == "source" and s.outcome == "acknowledged"
        ),
        "athletes_highlight": sum(
            2 for s in ledger.saves if s.operation == "highlights" and s.outcome == "acknowledged"
        ),
        "results_result": sum(
            2 for s in ledger.saves if s.operation == "results" and s.outcome == "acknowledged"
        ),
    }
    unknown = sum(1 for s in ledger.saves if s.outcome == "exception")
    consistent = {
        table: counts_after[table] - counts_before[table] == rows for table, rows in added.items()
    }
    return {
        "how": window["how"],
        "saves": saves,
        "saves_while_full": len(during),
        "outcomes_while_full": dict(Counter(s.outcome for s in during)),
        "clean_error_pages": len(clean),
        "acknowledged_while_full": sum(1 for s in during if s.outcome == "acknowledged"),
        "checksum_unchanged_while_full": window["checksum_start"] == window["checksum_end"],
        "acknowledged_after": sum(1 for s in after_saves if s.outcome == "acknowledged"),
        "saves_after": len(after_saves),
        "rows_added": {table: counts_after[table] - counts_before[table] for table in added},
        "rows_acknowledged": added,
        "counts_consistent": all(consistent.values()) or unknown > 0,
        "unknown_outcomes": unknown,
        "public_while_full": window["reading"].summary(),
        "integrity": database.integrity(path),
    }


def backup_during_writes(server, editors=4, duration=8):
    """A snapshot taken while editors save, restored into a new file, compared row for row."""
    archive = server.archive
    environment = archive.environment()
    taken = {}

    def back_up(stop):
        time.sleep(duration / 3)
        taken["started"] = time.monotonic()
        output = manage(["backup", "--output-dir", str(archive.directory / "backups")], environment)
        taken["finished"] = time.monotonic()
        taken["folder"] = Path(output.strip().splitlines()[-1])

    ledger, _ = run_editors(server, editors, duration, operations=WRITES, during=back_up)
    folder = taken["folder"]
    manifest = json.loads((folder / "manifest.json").read_text())
    snapshot_file = folder / "archive.sqlite3"
    fresh = archive.directory / "restored.sqlite3"
    fresh.touch()
    manage(
        ["restore", str(folder), "--noinput"], archive.environment() | {"SQLITE_PATH": str(fresh)}
    )
    snapshot_tables = database.table_digests(snapshot_file)
    restored_tables = database.table_digests(fresh)
    # The archive's version is the caches' key, not its data: a restore moves it past
    # every version cached before (archive.backups), so it differs from the snapshot's.
    differing = sorted(
        table
        for table in set(snapshot_tables) | set(restored_tables)
        if snapshot_tables.get(table) != restored_tables.get(table)
        and table != "results_archiveversion"
    )
    manifest_mismatch = sorted(
        table
        for table, count in manifest["rows"].items()
        if restored_tables.get(table, (None,))[0] != count
    )
    # What the snapshot holds of the saves: all those acknowledged before it began; none
    # of those begun after it ended.
    before = Ledger(saves=[s for s in ledger.saves if s.finished and s.finished < taken["started"]])
    later = Ledger(
        saves=[
            s
            for s in ledger.saves
            if s.started > taken["finished"]
            and s.outcome == "acknowledged"
            and s.operation != "athlete"
        ]
    )
    in_snapshot = verify(before, snapshot_file)
    later_in_snapshot = sum(1 for s in later.saves if _present(snapshot_file, s))
    return {
        "editors": editors,
        "saves": verify(ledger, archive.database),
        "backup_seconds": round(taken["finished"] - taken["started"], 2),
        "tables": len(restored_tables),
        "rows_restored": sum(count for count, _digest in restored_tables.values()),
        "tables_differing": differing,
        "manifest_mismatch": manifest_mismatch,
        "acknowledged_before_backup": in_snapshot["acknowledged"],
        "acknowledged_before_backup_in_snapshot": in_snapshot["found"],
        "saved_after_backup_in_snapshot": later_in_snapshot,
        "snapshot_integrity": database.integrity(snapshot_file),
        "restored_integrity": database.integrity(fresh),
    }


def _present(path, save):
    table, column = {
        "source": ("athletes_source", "note"),
        "highlights": ("athletes_highlight", "text"),
        "results": ("results_result", "note"),
    }[save.operation]
    marks = ",".join("?" * len(save.tokens))
    rows = database.query(
        path, f"SELECT COUNT(*) FROM {table} WHERE {column} IN ({marks})", save.tokens
    )
    return rows[0][0] > 0
