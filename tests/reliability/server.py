"""
The archive as an operator runs it: gunicorn (gunicorn.conf.py, as `make serve`) with the
production settings (DEBUG off, a secret key, plain http on 127.0.0.1) on a temporary SQLite
file, in a process group of its own so that stopping it stops every worker, whatever happened
to the test.

A *template* archive (migrated, the shipped fixtures loaded, editors created, static files
collected) is built once; each server runs on a copy of it, so that one part's writes,
lockouts and faults never reach another.
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HOST = "127.0.0.1"

# Editors in the template: enough for the concurrent-editing part and the others beside it.
EDITOR_COUNT = 16
EDITOR_PASSWORD = "race-walk-20-km-in-1h17"  # noqa: S105 (a throwaway test database)
SECRET_KEY = "reliability-suite-" + "k" * 50

# Variables of the developer's shell that would point the server elsewhere.
FOREIGN_VARIABLES = ("DJANGO_", "SQLITE_", "GUNICORN_", "DATABASE_URL", "CACHE_URL", "MEDIA_")

# Creates the Editors' accounts. The password is hashed once for all of them: each hash
# costs a fifth of a second of CPU, which the suite spends on the server instead.
CREATE_EDITORS = """
import os
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from results.roles import ensure_editors_group
group = ensure_editors_group()
password = make_password(os.environ["RELIABILITY_PASSWORD"])
for number in range(int(os.environ["RELIABILITY_EDITORS"])):
    user = User.objects.create(username=f"editor{number}", password=password, is_staff=True)
    user.groups.add(group)
"""


class ServerError(RuntimeError):
    pass


def clean_environment(**variables):
    """This process's environment without the archive's own settings, plus `variables`."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(FOREIGN_VARIABLES)
    }
    environment.update({key: str(value) for key, value in variables.items()})
    return environment


def manage(arguments, environment, timeout=120):
    """`manage.py <arguments>`; its output, or ServerError with it."""
    done = subprocess.run(
        [PYTHON, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise ServerError(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def copy_database(source, target):
    """A complete copy of an SQLite file (SQLite's backup API: the WAL's pages included)."""
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    original.close()
    copy.close()


@dataclass
class Template:
    """The archive every server starts from, built once in `directory`."""

    directory: Path

    @property
    def database(self):
        return self.directory / "template.sqlite3"

    @property
    def static_root(self):
        return self.directory / "static"

    def build(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        local = clean_environment(DJANGO_DEBUG=1, SQLITE_PATH=self.database)
        manage(["migrate", "--noinput", "-v0"], local)
        manage(["load_archive", "-v0"], local)
        manage(
            ["shell", "-c", CREATE_EDITORS],
            {
                **local,
                "RELIABILITY_PASSWORD": EDITOR_PASSWORD,
                "RELIABILITY_EDITORS": str(EDITOR_COUNT),
            },
        )
        production = clean_environment(
            DJANGO_DEBUG=0,
            DJANGO_SECRET_KEY=SECRET_KEY,
            SQLITE_PATH=self.database,
            STATIC_ROOT=self.static_root,
        )
        manage(["collectstatic", "--noinput", "-v0"], production)
        with sqlite3.connect(self.database) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        return self


@dataclass
class Archive:
    """A working copy of the template: its database file, media, backups and logs."""

    template: Template
    directory: Path
    database: Path = None

    def __post_init__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.database is None:
            self.database = self.directory / "archive.sqlite3"
        self.database.parent.mkdir(parents=True, exist_ok=True)
        copy_database(self.template.database, self.database)
        for name in ("media", "backups"):
            (self.directory / name).mkdir(exist_ok=True)

    def environment(self, **variables):
        """The documented production variables, for this copy, on plain http."""
        return clean_environment(
            DJANGO_DEBUG=0,
            DJANGO_SECRET_KEY=SECRET_KEY,
            DJANGO_SECURE_SSL_REDIRECT=0,
            DJANGO_ALLOWED_HOSTS=HOST,
            SQLITE_PATH=self.database,
            STATIC_ROOT=self.template.static_root,
            MEDIA_ROOT=self.directory / "media",
            BACKUP_DIR=self.directory / "backups",
            **variables,
        )


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def children_of(pid):
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces: the fields follow the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


@dataclass
class Server:
    """gunicorn on `archive`, started by `start()` and always ended by `stop()`."""

    archive: Archive
    variables: dict = field(default_factory=dict)
    start_timeout: float = 30
    port: int = None
    process: subprocess.Popen = None

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self):
        return self.archive.directory / "server.log"

    def start(self):
        for _attempt in range(3):
            self.port = free_port()
            environment = self.archive.environment(
                GUNICORN_BIND=f"{HOST}:{self.port}",
                GUNICORN_ACCESS_LOG=self.archive.directory / "access.log",
                **self.variables,
            )
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [
                        PYTHON,
                        "-m",
                        "gunicorn",
                        "--config",
                        str(BASE_DIR / "gunicorn.conf.py"),
                        # gunicorn's control socket is one per user: never touch a real one.
                        "--no-control-socket",
                        # A test's server stops within seconds, requests in flight or not.
                        "--graceful-timeout",
                        "5",
                    ],
                    cwd=BASE_DIR,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            if self._wait_until_ready():
                return self
            self.stop()
            if "Address already in use" not in self.log_tail():
                break
        raise ServerError(f"gunicorn did not start:\n{self.log_tail()}")

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.base_url + "/robots.txt", timeout=5) as answer:
                    if answer.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        return False

    def stop(self):
        """SIGTERM to the whole process group, then SIGKILL if it has not ended in 10 s."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        # Workers of a killed arbiter, or anything they started, go too.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None

    def workers(self):
        return children_of(self.process.pid)

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


@contextmanager
def serving(template, directory, **variables):
    """A server on a fresh copy of `template` in `directory`, stopped however the block ends."""
    server = Server(Archive(template, directory), variables)
    server.start()
    try:
        yield server
    finally:
        server.stop()
