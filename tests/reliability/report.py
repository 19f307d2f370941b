"""
Run every part of the reliability suite and write its figures as Markdown:

    .venv/bin/python -m tests.reliability.report --long --output docs/reliability.md

Without --long the parts run as long as in CI. Nothing here imports Django: the archive runs
in its own gunicorn processes, as an operator's would.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .durations import CI, LONG
from .editing import run_concurrent_editors
from .faults import (
    backup_during_writes,
    database_unreadable,
    disk_full,
    unreadable_ways,
    worker_killed,
)
from .hostile import run_hostile
from .load import run_public_load
from .login import run_login
from .server import BASE_DIR, Template, serving


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "commit": commit,
        "root": os.geteuid() == 0,
    }


def run_all(durations, directory, say):
    """Every part, each on its own server and its own copy of the archive."""
    figures = {}
    started = time.monotonic()
    say("building the template archive")
    template = Template(directory / "template").build()

    def part(name, function):
        say(f"{name}…")
        began = time.monotonic()
        figures[name] = function()
        figures[name]["seconds"] = round(time.monotonic() - began, 1)

    def on_server(name, run):
        def function():
            with serving(template, directory / name) as server:
                return run(server)

        part(name, function)

    on_server("hostile", run_hostile)
    on_server(
        "editing",
        lambda server: run_concurrent_editors(server, durations.editors, durations.editing_seconds),
    )
    on_server(
        "load",
        lambda server: run_public_load(server, durations.connections, durations.load_seconds),
    )
    on_server("worker_killed", lambda server: worker_killed(server, durations.kill_seconds))
    for how in unreadable_ways():
        on_server(
            f"unreadable_{how}",
            lambda server, how=how: database_unreadable(server, how, durations.unreadable_seconds),
        )
    part(
        "disk_full",
        lambda: disk_full(template, directory / "disk_full", full=durations.disk_full_seconds),
    )
    on_server(
        "backup",
        lambda server: backup_during_writes(server, duration=durations.backup_seconds),
    )
    on_server("login", lambda server: run_login(server, seconds=durations.login_seconds))
    figures["total_seconds"] = round(time.monotonic() - started, 1)
    return figures


def row(*cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table(header, rows):
    lines = [row(*header), row(*("---" for _ in header))]
    lines.extend(row(*cells) for cells in rows)
    return "\n".join(lines)


def statuses(counts):
    return ", ".join(f"{status}: {count}" for status, count in counts.items()) or "none"


def saves_table(saves):
    return table(
        ["saves sent", "acknowledged (302)", "found afterwards", "lost", "refused: newer version"]
        + ["refused: busy (503)", "500s", "answer lost", "half-written", '"database is locked"'],
        [
            [
                saves["saves_sent"],
                saves["acknowledged"],
                saves["found"],
                saves["lost"],
                saves["refused_stale"],
                saves["busy_503"],
                saves["server_errors"],
                saves["exceptions"],
                saves["half_written"],
                saves["database_is_locked_seen"],
            ]
        ],
    )


def load_row(label, figures):
    return [
        label,
        figures["connections"],
        figures["duration_s"],
        figures["requests"],
        figures["requests_per_s"],
        figures["errors"],
        figures["p50_ms"],
        figures["p99_ms"],
        figures["max_ms"],
    ]


LOAD_HEADER = ["", "connections", "seconds", "requests", "req/s", "errors", "p50 ms", "p99 ms"]
LOAD_HEADER = [*LOAD_HEADER, "max ms"]


def findings(figures):
    """What the run found wrong, by the suite's own criteria."""
    found = []
    hostile = figures["hostile"]
    if hostile["problems"]:
        found.extend(f"Hostile requests: {line}" for line in hostile["problems"][:20])
    for name in ("editing", "worker_killed", "disk_full", "backup"):
        saves = figures[name].get("saves", figures[name])
        if saves["lost"] or saves["half_written"] or saves["server_errors"]:
            found.append(f"{name}: saves lost, half-written or answered 500: {saves}")
        if saves["database_is_locked_seen"]:
            found.append(f'{name}: an answer said "database is locked"')
    if figures["load"]["errors"]:
        found.append(f"Load: {figures['load']['errors']} errors")
    for key, value in figures.items():
        if key.startswith("unreadable_"):
            away = value["statuses_while_away"]
            if not value["server_running_after"]:
                logged = "; ".join(value["errors_logged"]) or "nothing"
                found.append(
                    f"Database unreadable ({value['how']}): a worker replaced while the file "
                    "was away could not start, and gunicorn shut down "
                    f"({'; '.join(value['server_stopped_because'])}); the worker logged: "
                    f"{logged}. The site did not come back with the file."
                )
            elif set(away) != {"503"}:
                logged = "; ".join(value["errors_logged"]) or "nothing"
                found.append(
                    f"Database unreadable ({value['how']}): answered {statuses(away)} "
                    f"instead of 503 only; the server logged: {logged}"
                )
    return found


def observations(figures):
    """What the run shows that is no failure of a check, but an operator should know."""
    seen = []
    load = figures["load"]
    shares = [share for share in load.get("busiest_worker_share_by_tenth", []) if share]
    if shares and max(shares) > 0.8:
        tenths = load["requests_per_s_by_tenth"]
        seen.append(
            f"Load: for part of the run one gunicorn worker did up to {max(shares):.0%} of the "
            "workers' CPU work, so the site ran on one core of two. gthread keeps a keep-alive "
            "connection with the "
            "worker that accepted it, and a worker accepts every connection waiting: "
            "connections opened while the other worker was busy or being replaced "
            f"({load['worker_restarts']} replacements during the run, max_requests in "
            "gunicorn.conf.py) went to one worker and stayed there (requests/s per tenth of "
            f"the run: {', '.join(map(str, tenths))})."
        )
    missing = figures.get("unreadable_missing", {})
    if missing.get("file_created_bytes"):
        seen.append(
            "Database missing: while the file was gone, the server's next connection created "
            f"a new, empty database of {missing['file_created_bytes']} bytes at SQLITE_PATH. "
            "The pages answered 503, but had the file not come back, a restart would pass "
            "the start check (archive/startup.py) and serve the empty archive as busy."
        )
    editing = figures["editing"]
    if editing["busy_503"]:
        seen.append(
            f"Editing: {editing['busy_503']} of {editing['saves_sent']} saves waited "
            "SQLITE_TIMEOUT (5 s) for the write lock and were refused with the 503 page "
            f"(nothing saved, the editor told to try again); save time p99 "
            f"{editing['save_p99_ms']} ms with {editing['editors']} editors saving without pause."
        )
    return seen


def markdown(figures):
    m = figures["machine"]
    hostile, editing, load = figures["hostile"], figures["editing"], figures["load"]
    kill, full, backup, login = (
        figures["worker_killed"],
        figures["disk_full"],
        figures["backup"],
        figures["login"],
    )
    unreadable = [value for key, value in figures.items() if key.startswith("unreadable_")]
    problems = findings(figures)
    lost_rows = sum(
        (figures[name].get("saves", figures[name]))["lost"]
        for name in ("editing", "worker_killed", "disk_full", "backup")
    )
    lines = [
        "# Reliability",
        "",
        "The archive served by gunicorn (`gunicorn.conf.py`, as `make serve`) with its production",
        "settings (DEBUG off, plain http on 127.0.0.1) on a temporary copy of the shipped archive",
        "in SQLite, and tried under hostile input, concurrent editors, load and faults. Written by",
        f"`python -m tests.reliability.report{' --long' if figures['long'] else ''}` "
        "(`make reliability`); CI runs the",
        "same parts, shorter, with `pytest -m reliability`. Every figure below is from the run",
        "of the date shown; absolute rates vary between runs on a shared two-core machine.",
        "",
        "## The run",
        "",
        table(
            ["date (UTC)", "commit", "cores", "CPU", "Python", "SQLite", "Django", "gunicorn"],
            [
                [
                    figures["date"],
                    f"`{m['commit']}`",
                    m["cores"],
                    m["cpu"],
                    m["python"],
                    m["sqlite"],
                    m["django"],
                    m["gunicorn"],
                ]
            ],
        ),
        "",
        f"gunicorn: {m['cores']} cores give {max(2, m['cores'] or 1)} workers × 4 threads "
        "(gthread); "
        f"SQLITE_TIMEOUT 5 s; login failure limit 5. The whole run took "
        f"{figures['total_seconds']} s.",
        "",
        "## Summary",
        "",
        table(
            ["part", "tried", "outcome"],
            [
                [
                    "1. hostile requests",
                    f"{hostile['requests']} requests, anonymous and as an editor",
                    f"5xx: {sum(v for k, v in hostile['statuses'].items() if k.startswith('5'))}"
                    f"; unescaped or leaked: {_count(hostile, ('unescaped', 'leak'))}"
                    f"; archive changed by a refused request: {_count(hostile, ('changed',))}",
                ],
                [
                    "2. concurrent editors",
                    f"{editing['editors']} editors, {editing['duration_s']} s",
                    f"{editing['acknowledged']} saves acknowledged, {editing['found']} found, "
                    f"{editing['lost']} lost; 500s: {editing['server_errors']}; "
                    f'"database is locked": {editing["database_is_locked_seen"]}',
                ],
                [
                    "3. load",
                    f"{load['connections']} connections, {load['duration_s']} s",
                    f"{load['requests']} requests, {load['errors']} errors; "
                    f"p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms",
                ],
                [
                    "4. worker killed",
                    f"SIGKILL under {kill['requests']} requests",
                    f"{kill['failed']} failed (in flight: {kill['in_flight_at_kill']}), "
                    f"{kill['failed_after_the_kill']} after; worker replaced: "
                    f"{'yes' if kill['worker_replaced'] else 'no'}",
                ],
                *[
                    [
                        f"4. database unreadable ({value['how']})",
                        f"{value['requests_while_away']} requests while away",
                        f"{statuses(value['statuses_while_away'])}; "
                        + (
                            f"back to 200 after {value['recovered_after_ms']} ms, no restart"
                            if value["server_running_after"]
                            else "gunicorn shut down: the site did not come back"
                        ),
                    ]
                    for value in unreadable
                ],
                [
                    "4. disk full",
                    f"{full['saves_while_full']} saves while the disk was full",
                    f"{full['clean_error_pages']} clean 503 pages, "
                    f"{full['saves']['half_written']} half-written, row counts "
                    f"{'consistent' if full['counts_consistent'] else 'INCONSISTENT'}",
                ],
                [
                    "4. backup during writes",
                    f"{backup['saves']['acknowledged']} saves around it",
                    f"{backup['rows_restored']} rows in {backup['tables']} tables restored, "
                    f"{len(backup['tables_differing'])} tables differing",
                ],
                [
                    "5. login",
                    f"{login['guesses']} guesses by {login['guessing_threads']} threads",
                    f"locked after {login['lockout']['locked_after_failures']} failures; public "
                    f"pages kept {login['kept_of_alone']:.0%} of their throughput "
                    f"({login['kept_of_trivial_flood']:.0%} of it beside a trivial flood)",
                ],
                ["rows lost", "every acknowledged save checked", str(lost_rows)],
            ],
        ),
        "",
        "## Findings",
        "",
    ]
    if problems:
        lines.extend(f"- {line}" for line in problems)
    else:
        lines.append("None: every check of every part held.")
    noted = observations(figures)
    if noted:
        lines += ["", "## Observations", ""]
        lines.extend(f"- {line}" for line in noted)
    lines += [
        "",
        "## 1. Hostile requests",
        "",
        f"{hostile['requests']} requests: every query-string parameter and path segment of the "
        "public pages with SQL, template syntax, path traversal, markup, huge, negative and "
        "overflowing numbers, NUL bytes, invalid and overlong UTF-8 and 3,000-character values; "
        "malformed requests sent raw; the admin's lists, pages and forms with tampered ids, "
        "queries and values, anonymous and as an editor; non-image, oversized (9 MB and 11 MB) "
        "and decompression-bomb uploads; markup stored through every text field of an athlete, "
        "highlight, alias, competition, event, result and source, then read back on every kind "
        "of page.",
        "",
        table(
            ["kind", "requests"],
            [[kind, count] for kind, count in hostile["kinds"].items()],
        ),
        "",
        f"Answers: {statuses(hostile['statuses'])}. The archive's tables (athletes_*, "
        f"results_*, not their history) were checksummed after each of "
        f"{hostile['checksum_checks']} requests that should change nothing; "
        f"problems found: {len(hostile['problems'])}.",
        "",
        "Stored markup, and the public pages it showed on (escaped each time):",
        "",
        table(
            ["field", "public pages"],
            [
                [name, ", ".join(pages) or "(not shown publicly)"]
                for name, pages in hostile["stored_fields"].items()
            ],
        ),
        "",
        f"Pages read back: {hostile['pages_read_back']} ({len(hostile['page_types'])} kinds, "
        "public pages as a visitor and as an editor, and the admin's own).",
        "",
        "## 2. Editors saving concurrently",
        "",
        f"{editing['editors']} editors, each reading a change form and posting it back as fast "
        "as the server answers (their own athlete, a new source, two new highlights, two new "
        "results, and one competition they all edit), for "
        f"{editing['duration_s']} s, while {editing['public']['connections']} visitors read "
        "public pages.",
        "",
        saves_table(editing),
        "",
        f"Save time: p50 {editing['save_p50_ms']} ms, p99 {editing['save_p99_ms']} ms. "
        f"Refusals for a newer version are correct (the shared competition); a 503 is a write "
        f"that waited SQLITE_TIMEOUT for the lock. Database integrity: {editing['integrity']}.",
        "",
        table(LOAD_HEADER, [load_row("public pages meanwhile", editing["public"])]),
        "",
        "## 3. Load on the public pages",
        "",
        table(LOAD_HEADER, [load_row("mix of public pages", load)]),
        "",
        f"Answers: {statuses(load['statuses'])}. The pages, each connection reading them in "
        "turn: "
        + ", ".join(f"`{p}`" for p in load["pages"])
        + ". The load client (Python threads, one keep-alive connection each) runs on the "
        "same two cores.",
        "",
        "Requests per second in each tenth of the run: "
        f"{', '.join(str(rate) for rate in load['requests_per_s_by_tenth'])}; the busiest "
        "worker's share of the workers' CPU time in each tenth (0.5: both cores busy alike, "
        "1.0: one worker serving alone): "
        f"{', '.join(str(share) for share in load['busiest_worker_share_by_tenth'])}. gunicorn "
        f"replaced {load['worker_restarts']} workers during the run (max_requests 2000 in "
        "gunicorn.conf.py); a keep-alive connection stays with the worker that accepted it, "
        "so connections reopened while one worker restarts all go to the other (see the "
        "observations when one worker's share is far above half).",
        "",
        "## 4. Faults",
        "",
        "### A worker killed under load",
        "",
        f"{kill['readers']} visitors (a new connection per request) and {kill['editors']} "
        f"editors; one worker sent SIGKILL a third of the way in.",
        "",
        table(
            [
                "requests",
                "in flight at the kill",
                "failed",
                "failed after the kill",
                "answered after",
                "editor requests failed",
                "worker replaced",
            ],
            [
                [
                    kill["requests"],
                    kill["in_flight_at_kill"],
                    kill["failed"],
                    kill["failed_after_the_kill"],
                    kill["answered_after_the_kill"],
                    kill["editor_requests_failed"],
                    "yes" if kill["worker_replaced"] else "no",
                ]
            ],
        ),
        "",
        saves_table(kill["saves"]),
        "",
        "### The database unreadable",
        "",
        "The file replaced for a few seconds, then put back, with visitors and an editor "
        "reading meanwhile. Halfway through, one worker is replaced (SIGTERM, as gunicorn "
        "does after max_requests or a timeout), so that a new worker starts while the file is "
        "away. As root, chmod 000 changes nothing (root reads any file); a directory in the "
        "file's place stands in for it. Answers 0 are requests that got no answer at all.",
        "",
        table(
            [
                "how",
                "requests while away",
                "answers while away",
                "answers after",
                "back to 200 after",
                "gunicorn still running",
                "integrity",
            ],
            [
                [
                    value["how"],
                    value["requests_while_away"],
                    statuses(value["statuses_while_away"]),
                    statuses(value["statuses_after"]),
                    f"{value['recovered_after_ms']} ms" if value["recovered_after_ms"] else "never",
                    "yes" if value["server_running_after"] else "no",
                    value["integrity"],
                ]
                for value in unreadable
            ],
        ),
        "",
        "### The disk full during saves",
        "",
        f"How the disk was filled: {full['how']}. Four editors saved before, during and after.",
        "",
        table(
            [
                "saves while full",
                "answers while full",
                "clean 503 pages",
                "archive unchanged while full",
                "acknowledged after",
                "integrity",
            ],
            [
                [
                    full["saves_while_full"],
                    statuses(full["outcomes_while_full"]),
                    full["clean_error_pages"],
                    "yes" if full["checksum_unchanged_while_full"] else "no",
                    f"{full['acknowledged_after']} of {full['saves_after']}",
                    full["integrity"],
                ]
            ],
        ),
        "",
        table(
            ["table", "rows added", "rows of acknowledged saves"],
            [
                [name, full["rows_added"][name], full["rows_acknowledged"][name]]
                for name in full["rows_added"]
            ],
        ),
        "",
        saves_table(full["saves"]),
        "",
        f"Public pages while full: {full['public_while_full']['requests']} requests, "
        f"{full['public_while_full']['errors']} errors.",
        "",
        "### A backup taken during writes",
        "",
        f"`manage.py backup` ({backup['backup_seconds']} s) while {backup['editors']} editors "
        "saved; the snapshot restored with `manage.py restore` into a new file and compared "
        "table by table (every row) with the snapshot, and its row counts with the manifest.",
        "",
        table(
            [
                "tables",
                "rows restored",
                "tables differing",
                "manifest counts differing",
                "acknowledged before the backup",
                "of them in the snapshot",
                "begun after it, in the snapshot",
                "integrity",
            ],
            [
                [
                    backup["tables"],
                    backup["rows_restored"],
                    len(backup["tables_differing"]),
                    len(backup["manifest_mismatch"]),
                    backup["acknowledged_before_backup"],
                    backup["acknowledged_before_backup_in_snapshot"],
                    backup["saved_after_backup_in_snapshot"],
                    f"{backup['snapshot_integrity']} / {backup['restored_integrity']}",
                ]
            ],
        ),
        "",
        saves_table(backup["saves"]),
        "",
        "## 5. Logging in",
        "",
        f"Wrong passwords for one account: answers {login['lockout']['statuses']}; the lockout "
        f"engaged at failure {login['lockout']['locked_after_failures']} (limit "
        f"{login['lockout']['failure_limit']}), and the right password was then refused "
        f"({login['lockout']['right_password_then']}).",
        "",
        table(
            LOAD_HEADER,
            [
                load_row("public pages alone", login["alone"]),
                load_row(
                    f"beside {login['guessing_threads']} threads reading robots.txt",
                    login["beside_trivial_flood"],
                ),
                load_row(
                    f"beside {login['guessing_threads']} threads guessing passwords",
                    login["during_guessing"],
                ),
            ],
        ),
        "",
        f"During the flood the public pages kept {login['kept_of_alone']:.0%} of their "
        f"throughput alone, and {login['kept_of_trivial_flood']:.0%} of what they keep beside "
        f"the same number of threads reading the cheapest page; {login['guesses']} guesses "
        f"({login['guesses_per_s']}/s, answers {statuses(login['guess_statuses'])}, p50 "
        f"{login['guess_p50_ms']} ms), more than two cores could answer if each hashed a "
        f"password (some 0.2 s of CPU each). An editor logged in before "
        f"the lockout kept working ({login['editor_logged_in_before']}), and editors saved "
        "during the flood. The lockout counts per address as well as per account: the guesses "
        "from 127.0.0.1 locked every account out of logging in from there; behind a proxy, "
        "DJANGO_TRUST_PROXY must be set, or one guesser locks every editor out.",
        "",
        saves_table(login["saves_during_guessing"]),
        "",
        "## Durations",
        "",
        table(
            ["setting", "this run", "CI"],
            [[name, value, getattr(CI, name)] for name, value in figures["durations"].items()],
        ),
        "",
    ]
    return "\n".join(lines)


def _count(hostile, categories):
    return sum(1 for line in hostile["problems"] if line.split(":", 1)[0] in categories)


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--long", action="store_true", help="the long durations (minutes)")
    parser.add_argument("--output", default="docs/reliability.md", help="the Markdown file")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument(
        "--from-json", help="write the Markdown from the figures of an earlier run (--json)"
    )
    options = parser.parse_args(arguments)
    durations = LONG if options.long else CI

    def say(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if options.from_json:
        figures = json.loads(Path(options.from_json).read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="reliability-") as directory:
            figures = run_all(durations, Path(directory), say)
        figures["machine"] = machine()
        figures["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        figures["durations"] = asdict(durations)
        figures["long"] = options.long
    output = Path(options.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(markdown(figures))
    if options.json and not options.from_json:
        Path(options.json).write_text(json.dumps(figures, indent=2, default=str))
    say(f"wrote {output}")
    problems = findings(figures)
    for line in problems:
        say(f"finding: {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
