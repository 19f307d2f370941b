"""
Load measured through a real server: gunicorn with the production settings on 127.0.0.1,
driven by wrk. `manage.py benchmark` decides what to measure; this module knows how to start
and stop a server, ask it for a page, and read wrk's figures.
"""

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

# wrk counts requests, not answers: this script counts every answer's status, so a run that
# expects 304s (or 200s) proves it got nothing else.
STATUS_SCRIPT = """\
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[1])
  matched, other, other_status = 0, 0, 0
end

function response(status, headers, body)
  if status == expected then
    matched = matched + 1
  else
    other = other + 1
    other_status = status
  end
end

function done(summary, latency, requests)
  local m, o, s = 0, 0, 0
  for _, thread in ipairs(threads) do
    m = m + thread:get("matched")
    o = o + thread:get("other")
    if thread:get("other_status") ~= 0 then s = thread:get("other_status") end
  end
  io.write(string.format("statuses: matched %d, other %d, last other %d\\n", m, o, s))
end
"""

# Longer than any page may take (gunicorn's own timeout is 30 s): wrk's default of 2 s would
# drop the slow answers from the percentiles instead of counting them.
WRK_TIMEOUT_SECONDS = 30
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class BenchmarkError(Exception):
    pass


@dataclass(frozen=True)
class Run:
    """One wrk run: throughput, latency percentiles, and what else it saw."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    seconds: int  # how long wrk ran: longer than asked when nothing came back in time
    socket_errors: str  # wrk's own line, empty when there were none

    def ratio(self, trivial):
        return self.requests_per_second / trivial.requests_per_second


def find_wrk():
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchmarkError("wrk is not installed (Debian: apt-get install wrk).")
    return wrk


def wrk_version(wrk):
    # `wrk -v` prints its version and exits with status 1.
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
    match = re.search(r"wrk (\S+)", output)
    return match.group(1) if match else "?"


def run_wrk(wrk, script, url, *, expect, duration, connections, headers=()):
    """
    One wrk run, then a pause while the server finishes what wrk left in flight (a sync
    worker renders a request to the end even once its client has gone), so that the next
    run starts on an idle machine. A run in which no answer came back (a page slower than
    the whole run) is run again for WRK_TIMEOUT_SECONDS.
    """
    run = _wrk_once(wrk, script, url, expect, duration, connections, headers)
    if not run.requests and duration < WRK_TIMEOUT_SECONDS:
        time.sleep(WRK_TIMEOUT_SECONDS)
        run = _wrk_once(wrk, script, url, expect, WRK_TIMEOUT_SECONDS, connections, headers)
    if not run.requests:
        raise BenchmarkError(f"{url}: no answer within {WRK_TIMEOUT_SECONDS} s.")
    time.sleep(min(run.max_ms / 1000, WRK_TIMEOUT_SECONDS))
    return run


def _wrk_once(wrk, script, url, expect, duration, connections, headers):
    command = [
        wrk,
        f"-c{connections}",
        f"-t{min(2, connections)}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        f"{WRK_TIMEOUT_SECONDS}s",
        "-s",
        str(script),
    ]
    for header in headers:
        command += ["-H", header]
    command += [url, "--", str(expect)]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + WRK_TIMEOUT_SECONDS + 30
    )
    if finished.returncode != 0:
        raise BenchmarkError(f"wrk failed on {url}: {finished.stderr or finished.stdout}")
    return parse_wrk(finished.stdout, url=url, expect=expect, duration=duration)


def _ms(value, unit):
    return float(value) * UNITS_MS[unit]


def parse_wrk(output, *, url="", expect=200, duration=0):
    """The figures of `wrk --latency` run with STATUS_SCRIPT; any unexpected answer is an error."""
    statuses = re.search(r"statuses: matched (\d+), other (\d+), last other (\d+)", output)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    if not (statuses and rate and total):
        raise BenchmarkError(f"Cannot read wrk's output for {url}:\n{output}")
    matched, other, last_other = map(int, statuses.groups())
    if other:
        raise BenchmarkError(
            f"{url}: {other} answer(s) other than {expect} (the last was {last_other}), "
            f"{matched} as expected."
        )
    percentiles = {
        share: _ms(value, unit)
        for share, value, unit in re.findall(
            r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE
        )
    }
    # "Latency   avg unit   stdev unit   max unit   +/- stdev"
    latency = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m|h)\s", output, re.MULTILINE)
    requests = int(total.group(1)) if matched else 0
    if requests and not ({"50", "99"} <= percentiles.keys() and latency):
        raise BenchmarkError(f"Cannot read wrk's latencies for {url}:\n{output}")
    errors = re.search(r"^\s*Socket errors: (.*)$", output, re.MULTILINE)
    return Run(
        requests_per_second=float(rate.group(1)),
        p50_ms=percentiles.get("50", 0.0),
        p99_ms=percentiles.get("99", 0.0),
        max_ms=_ms(*latency.groups()) if latency else 0.0,
        requests=requests,
        seconds=duration,
        socket_errors=errors.group(1) if errors else "",
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(secret_key, **overrides):
    """
    The environment of the command, with the production settings switched on: DEBUG off,
    a secret key, the loopback host, no redirect to HTTPS (nothing terminates TLS here), and
    the command's own database, whatever the server's working directory.
    """
    environment = dict(os.environ)
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=environment.get("DJANGO_SECRET_KEY") or secret_key,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    database = settings.DATABASES["default"]
    if database["ENGINE"] == settings.SQLITE_ENGINE and not environment.get("DATABASE_URL"):
        environment["SQLITE_PATH"] = str(Path(database["NAME"]).resolve())
    environment.update(overrides)
    return environment


def manage(*arguments, environment):
    """Run `manage.py` in a process of its own (as an operator would), checked."""
    finished = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        raise BenchmarkError(f"manage.py {' '.join(arguments)} failed:\n{finished.stderr}")
    return finished.stdout


class Server:
    """
    gunicorn serving the archive on a free port of 127.0.0.1, from `start()` until `stop()`
    (also a context manager). Sync workers, the access log thrown away, and no worker
    recycling: a worker replaced mid-run would start with empty caches and skew the figures.
    """

    def __init__(self, name, environment, *, workers, log_dir):
        self.name = name
        self.port = free_port()
        self.environment = {
            **environment,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            # More than one thread would turn gunicorn's sync worker into gthread.
            "GUNICORN_THREADS": "1",
            # Empty: no access log at all (gunicorn.conf.py).
            "GUNICORN_ACCESS_LOG": "",
        }
        self.log_path = Path(log_dir) / f"gunicorn-{name}.log"
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self, ready_within=60):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "--config",
            str(settings.BASE_DIR / "gunicorn.conf.py"),
            "--worker-class",
            "sync",
            "--max-requests",
            "0",
            # Not the machine's one control socket, which a server in use may hold.
            "--no-control-socket",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(f"The {self.name} server stopped:\n{self.log_tail()}")
            try:
                answered = self.get("/robots.txt").status == 200
            except OSError:
                answered = False
            if answered:
                if "Using worker: sync" not in self.log_tail(lines=1000):
                    raise BenchmarkError(f"The {self.name} server runs other workers than sync.")
                return
            time.sleep(0.2)
        raise BenchmarkError(
            f"The {self.name} server did not answer within {ready_within} s:\n{self.log_tail()}"
        )

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
        try:
            self.process.wait(timeout=15)
        except BaseException as error:  # too slow, or Ctrl-C while waiting: never leave it
            self.process.kill()
            self.process.wait()
            if not isinstance(error, subprocess.TimeoutExpired):
                raise

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def logged_problems(self):
        """Lines of the error log that say a request went wrong (a traceback, a timeout)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [
            line
            for line in text.splitlines()
            if "Traceback" in line or "WORKER TIMEOUT" in line or "[ERROR]" in line
        ]

    def get(self, path, headers=None, timeout=WRK_TIMEOUT_SECONDS * 2):
        """One GET on a new connection, as wrk's requests to a sync worker are."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            elapsed_ms = (time.perf_counter() - started) * 1000
            return Answer(response.status, dict(response.getheaders()), body, elapsed_ms)
        finally:
            connection.close()

    def fill(self, path, connections):
        """
        Ask for a page `connections` times at once, twice: while one sync worker renders it,
        the others take the next requests, so every worker ends up holding it in its cache.
        """
        with ThreadPoolExecutor(connections) as pool:
            for _ in range(2):
                answers = list(pool.map(lambda _: self.get(path), range(connections)))
                for answer in answers:
                    if answer.status != 200:
                        raise BenchmarkError(f"{path} answered {answer.status} on {self.name}")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict
    body: bytes
    elapsed_ms: float

    def header(self, name):
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


def machine():
    """The CPU model and count from /proc/cpuinfo (the platform module's answer elsewhere)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    count = sum(1 for line in lines if line.startswith("processor")) or os.cpu_count()
    return (models[0] if models else platform.processor() or platform.machine()), count


@contextmanager
def scratch_database(environment):
    """
    The environment of `manage.py` on an empty database of its own, removed afterwards: a
    file in a temporary folder on SQLite; on PostgreSQL a database beside this one, made
    and dropped here (which needs the CREATEDB right).
    """
    if connection.vendor != "postgresql":
        with tempfile.TemporaryDirectory(prefix="benchmark-generation-") as folder:
            scratch = {k: v for k, v in environment.items() if k != "DATABASE_URL"}
            yield {**scratch, "SQLITE_PATH": str(Path(folder) / "generation.sqlite3")}
        return
    name = f"{settings.DATABASES['default']['NAME']}_generation"
    quoted = connection.ops.quote_name(name)
    url = urlsplit(environment["DATABASE_URL"])._replace(path=f"/{name}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield {**environment, "DATABASE_URL": urlunsplit(url)}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def time_generation(results, athletes, environment):
    """
    `generate_archive` run on an empty archive (the reference data loaded first, as
    `make bench` does) at the size given: what it wrote and the seconds of each step, as
    its `Generator.run` returns them.
    """
    with scratch_database(environment) as scratch:
        manage("migrate", "--noinput", "-v0", environment=scratch)
        manage("load_archive", "-v0", environment=scratch)
        timed = (
            "import json; from django.core.management import call_command; "
            "from results.management.commands.generate_archive import Command; "
            f"command = Command(); call_command(command, results={results}, "
            f"athletes={athletes}); print('generation', json.dumps(command.generation))"
        )
        output = manage("shell", "-v0", "--command", timed, environment=scratch)
    found = re.search(r"^generation (\{.*\})$", output, re.MULTILINE)
    if not found:
        raise BenchmarkError(f"Cannot read generate_archive's figures from:\n{output}")
    return json.loads(found.group(1))
