"""
Part 2, and the writers of the fault part: editors saving through the admin at the same time,
each as a browser does it (the change form read, then posted back with its CSRF token and
the version it was read at), and a ledger of what every save was answered.

A save the server acknowledged (a 302 after the POST) must be in the database afterwards;
a save it refused (a form error, a 503) must have left nothing behind. A save refused
because another editor changed the row since the form was read ("Since you opened this
page…") is a correct refusal, not a lost save.

The operations, each marking what it writes with a token of its own:

* `athlete`: the editor's own athlete, a new birthplace (one row);
* `source`: a new source (one row);
* `highlights`: two new highlights on the editor's own athlete (a form of several rows);
* `results`: two new results (did not finish) in one of the editor's own events;
* `shared`: the city of a competition every editor edits (refusals for a stale version).
"""

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from . import database
from .client import Client
from .load import hammer, percentile, public_mix

STALE = "Since you opened this page"
LOCKED = "database is locked"
NOTHING_TO_SAVE = "nothing to save"
OPERATIONS = ("athlete", "source", "highlights", "results", "athlete", "shared")


@dataclass
class Save:
    editor: int
    operation: str
    target: int
    tokens: list
    outcome: str = ""
    status: int = 0
    started: float = 0.0
    finished: float = 0.0
    detail: str = ""
    # When the connection the failing request went on was opened.
    connection_opened: float = 0.0


@dataclass
class Ledger:
    saves: list = field(default_factory=list)
    gets: Counter = field(default_factory=Counter)
    locked_texts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, save):
        with self.lock:
            self.saves.append(save)

    def outcomes(self):
        return Counter(save.outcome for save in self.saves)


def error_text(html):
    items = re.findall(
        r"<li>(.*?)</li>", " ".join(re.findall(r"errorlist[^>]*>(.*?)</ul>", html, re.S))
    )
    return " | ".join(items)[:300]


class Editor:
    """One editor's browser, saving in turn the operations it is given."""

    def __init__(self, number, server, ledger, plan, operations=OPERATIONS):
        self.number = number
        self.server = server
        self.ledger = ledger
        self.plan = plan
        self.operations = operations
        self.client = Client(server.port, timeout=60)
        self.counter = 0

    def log_in(self):
        response = self.client.log_in(f"editor{self.number}")
        if response.status != 302:
            raise AssertionError(f"editor{self.number} could not log in: {response.status}")

    def token(self, suffix=""):
        return f"e{self.number}s{self.counter}{suffix}"

    def run(self, deadline, stop):
        while not stop.is_set() and time.monotonic() < deadline:
            operation = self.operations[self.counter % len(self.operations)]
            self.counter += 1
            began = time.monotonic()
            try:
                getattr(self, operation)()
            except Exception as error:  # Every failure is a figure of the run.
                opened = self.client.opened_at
                self.client.close()
                self.ledger.add(
                    Save(
                        self.number,
                        operation,
                        0,
                        [],
                        "exception",
                        started=began,
                        finished=time.monotonic(),
                        detail=repr(error)[:200],
                        connection_opened=opened,
                    )
                )
        self.client.close()

    def _save(self, operation, path, target, change):
        page, fields = self.client.form(path)
        with self.ledger.lock:
            self.ledger.gets[page.status] += 1
            if LOCKED in page.text:
                self.ledger.locked_texts += 1
        if fields is None:
            # The form could not be read (a 503 while the database is away): nothing sent.
            self.ledger.add(
                Save(self.number, operation, target, [], f"form {page.status}", page.status)
            )
            return None
        tokens = change(fields)
        if tokens is None:
            return NOTHING_TO_SAVE
        save = Save(self.number, operation, target, tokens, started=time.monotonic())
        try:
            response = self.client.post(path, fields)
        except Exception as error:  # The answer never came: saved or not, nobody knows.
            save.connection_opened = self.client.opened_at
            self.client.close()
            save.finished = time.monotonic()
            save.outcome, save.detail = "exception", repr(error)[:200]
            self.ledger.add(save)
            return save
        save.finished = time.monotonic()
        save.status = response.status
        text = response.text
        if LOCKED in text:
            with self.ledger.lock:
                self.ledger.locked_texts += 1
        if response.status == 302 and "/login/" not in response.location:
            save.outcome = "acknowledged"
        elif response.status == 200 and STALE in text:
            save.outcome = "stale"
        elif response.status == 200:
            save.outcome = "invalid"
            save.detail = error_text(text)
        elif response.status == 503:
            save.outcome = "busy"
        elif response.status >= 500:
            save.outcome = "server error"
            save.detail = text[:300]
        else:
            save.outcome = f"answered {response.status}"
        self.ledger.add(save)
        return save

    def athlete(self):
        athlete = self.plan.athletes[self.number % len(self.plan.athletes)]

        def change(fields):
            fields["birthplace"] = token = self.token()
            return [token]

        self._save("athlete", f"/admin/athletes/athlete/{athlete}/change/", athlete, change)

    def source(self):
        def change(fields):
            token = self.token()
            fields.update(slug=f"src-{token}", title=f"Sheet {token}", note=token)
            return [token]

        self._save("source", "/admin/athletes/source/add/", 0, change)

    def highlights(self):
        athlete = self.plan.athletes[self.number % len(self.plan.athletes)]

        def change(fields):
            count = int(fields["highlights-TOTAL_FORMS"])
            tokens = []
            for offset in range(2):
                row = count + offset
                tokens.append(token := self.token(f"h{offset}"))
                fields.update(
                    {
                        f"highlights-{row}-position": str(1000 + self.counter * 2 + offset),
                        f"highlights-{row}-kind": "memory",
                        f"highlights-{row}-text": token,
                        f"highlights-{row}-read_version": "0",
                    }
                )
            fields["highlights-TOTAL_FORMS"] = str(count + 2)
            return tokens

        self._save("highlights", f"/admin/athletes/athlete/{athlete}/change/", athlete, change)

    def results(self):
        events = self.plan.events_of(self.number)
        if not events:
            return self.highlights()
        event = events[self.counter % len(events)]

        def change(fields):
            entered = {
                value
                for key, values in fields.items()
                if key.endswith("-athlete")
                for value in (values if isinstance(values, list) else [values])
            }
            free = [a for a in self.plan.entrants if str(a) not in entered]
            blank = [
                key.split("-")[1]
                for key, value in fields.items()
                if key.endswith("-id") and key.startswith("results-") and not value
            ]
            if len(free) < 2 or len(blank) < 2:
                return None
            tokens = []
            for row, athlete in zip(blank[:2], free[:2], strict=True):
                tokens.append(token := self.token(f"r{row}"))
                fields.update(
                    {
                        f"results-{row}-athlete": str(athlete),
                        f"results-{row}-status": "DNF",
                        f"results-{row}-note": token,
                    }
                )
            return tokens

        path = f"/admin/results/event/{event}/change/"
        if self._save("results", path, event, change) == NOTHING_TO_SAVE:
            # This event is full: its athletes are all entered. Another operation instead.
            self.plan.event_full(self.number, event)
            self.highlights()

    def shared(self):
        competition = self.plan.shared_competition

        def change(fields):
            fields["city"] = token = self.token()
            return [token]

        self._save(
            "shared", f"/admin/results/competition/{competition}/change/", competition, change
        )


class Plan:
    """Who edits what: own athletes and events, one shared competition, free entrants."""

    def __init__(self, path, editors):
        self.athletes = [
            row[0] for row in database.query(path, "SELECT id FROM athletes_athlete ORDER BY id")
        ]
        # Men without dates: a result of theirs is valid in any men's event of any year.
        self.entrants = [
            row[0]
            for row in database.query(
                path,
                "SELECT id FROM athletes_athlete WHERE sex = 'M' AND date_of_birth IS NULL "
                "AND retired_on IS NULL ORDER BY id",
            )
        ]
        events = [
            row[0]
            for row in database.query(
                path, "SELECT id FROM results_event WHERE sex = 'M' ORDER BY id"
            )
        ]
        self._events = {n: events[n::editors] for n in range(editors)}
        self._lock = threading.Lock()
        (self.shared_competition,) = database.query(
            path, "SELECT MAX(id) FROM results_competition"
        )[0]

    def events_of(self, editor):
        with self._lock:
            return list(self._events[editor])

    def event_full(self, editor, event):
        with self._lock:
            if event in self._events[editor]:
                self._events[editor].remove(event)


class Team:
    """Editors logged in and ready to save, with the ledger of what their saves were answered."""

    def __init__(self, server, editors, operations=OPERATIONS):
        self.ledger = Ledger()
        plan = Plan(server.archive.database, editors)
        self.editors = [Editor(n, server, self.ledger, plan, operations) for n in range(editors)]
        for editor in self.editors:
            editor.log_in()

    def run(self, duration, during=None):
        """
        Save for `duration` seconds; `during(stop)`, if given, runs in this thread meanwhile
        (a fault, a backup), and what it returns is returned.
        """
        stop = threading.Event()
        deadline = time.monotonic() + duration
        threads = [
            threading.Thread(target=editor.run, args=(deadline, stop), daemon=True)
            for editor in self.editors
        ]
        for thread in threads:
            thread.start()
        try:
            return during(stop) if during is not None else None
        except BaseException:
            stop.set()  # the editors end at once, before the server is stopped
            raise
        finally:
            for thread in threads:
                thread.join(timeout=duration + 120)


def run_editors(server, editors, duration, operations=OPERATIONS, during=None):
    """`editors` editors logged in, then saving for `duration` seconds (see Team.run)."""
    team = Team(server, editors, operations)
    outcome = team.run(duration, during)
    return team.ledger, outcome


def verify(ledger, path):
    """
    What the database holds of each save: every acknowledged one present, nothing of any
    refused one. Saves whose answer never came (a connection lost) may be either.
    """
    found, lost, phantom = 0, [], []
    with database.snapshot(path) as connection:

        def present(save):
            if save.operation == "athlete":
                rows = connection.execute(
                    "SELECT COUNT(*) FROM athletes_historicalathlete WHERE birthplace = ?",
                    (save.tokens[0],),
                )
            elif save.operation == "shared":
                rows = connection.execute(
                    "SELECT COUNT(*) FROM results_historicalcompetition WHERE city = ?",
                    (save.tokens[0],),
                )
            elif save.operation == "source":
                rows = connection.execute(
                    "SELECT COUNT(*) FROM athletes_source WHERE note = ?", (save.tokens[0],)
                )
            elif save.operation == "highlights":
                marks = ",".join("?" * len(save.tokens))
                rows = connection.execute(
                    f"SELECT COUNT(*) FROM athletes_highlight WHERE text IN ({marks})", save.tokens
                )
            else:
                marks = ",".join("?" * len(save.tokens))
                rows = connection.execute(
                    f"SELECT COUNT(*) FROM results_result WHERE note IN ({marks})", save.tokens
                )
            return rows.fetchone()[0]

        for save in ledger.saves:
            if not save.tokens:
                continue
            count = present(save)
            expected = len(save.tokens) if save.operation in ("highlights", "results") else 1
            if save.outcome == "acknowledged":
                if count >= expected:
                    found += 1
                else:
                    lost.append(save)
            elif save.outcome != "exception" and count:
                phantom.append(save)
        # An acknowledged change of an editor's own athlete is its last value.
        last = {}
        for save in sorted(ledger.saves, key=lambda s: s.finished):
            if save.operation == "athlete" and save.outcome == "acknowledged":
                last[save.target] = save.tokens[0]
        for athlete, token in last.items():
            (value,) = connection.execute(
                "SELECT birthplace FROM athletes_athlete WHERE id = ?", (athlete,)
            ).fetchone()
            if value != token and not any(
                s.target == athlete and s.outcome == "exception" and s.operation == "athlete"
                for s in ledger.saves
            ):
                lost.append(f"athlete {athlete}: {value!r}, last acknowledged {token!r}")
    outcomes = ledger.outcomes()
    sent = [s for s in ledger.saves if s.tokens]
    return {
        "saves_sent": len(sent),
        "acknowledged": outcomes.get("acknowledged", 0),
        "found": found,
        "lost": len(lost),
        "lost_examples": [str(s)[:200] for s in lost[:5]],
        "refused_stale": outcomes.get("stale", 0),
        "refused_invalid": outcomes.get("invalid", 0),
        "invalid_examples": sorted({s.detail for s in ledger.saves if s.outcome == "invalid"})[:5],
        "busy_503": outcomes.get("busy", 0),
        "server_errors": outcomes.get("server error", 0),
        "exceptions": outcomes.get("exception", 0),
        "exception_examples": sorted({s.detail for s in ledger.saves if s.outcome == "exception"})[
            :5
        ],
        "forms_unreadable": sum(v for k, v in outcomes.items() if k.startswith("form ")),
        "half_written": len(phantom),
        "half_written_examples": [str(s)[:200] for s in phantom[:5]],
        "database_is_locked_seen": ledger.locked_texts,
        "outcomes": dict(outcomes),
        "form_reads": {str(k): v for k, v in sorted(ledger.gets.items())},
        "by_operation": dict(Counter(f"{s.operation} {s.outcome}" for s in ledger.saves)),
    }


def run_concurrent_editors(server, editors=8, duration=10, readers=2):
    """Part 2: editors saving while `readers` visitors read public pages; both measured."""
    paths = public_mix(server.archive.database)

    def read(stop):
        return hammer(server.port, paths, readers, duration, stop=stop)

    started = time.monotonic()
    ledger, reading = run_editors(server, editors, duration, during=read)
    elapsed = time.monotonic() - started
    figures = verify(ledger, server.archive.database)
    save_times = [s.finished - s.started for s in ledger.saves if s.outcome == "acknowledged"]
    return {
        "editors": editors,
        "duration_s": round(elapsed, 1),
        **figures,
        "save_p50_ms": _ms(percentile(save_times, 0.5)),
        "save_p99_ms": _ms(percentile(save_times, 0.99)),
        "integrity": database.integrity(server.archive.database),
        "public": reading.summary(),
    }


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)
