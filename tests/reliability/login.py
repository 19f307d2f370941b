"""
Part 5: logging in. The lockout (django-axes) engages after the documented number of wrong
passwords, and then refuses even the right one; a flood of guesses from other threads
leaves the public pages their throughput, since a locked-out guess is refused before any
password is hashed.
"""

import threading
import time
from collections import Counter

from .client import Client
from .editing import Team, verify
from .load import hammer, percentile, public_mix

LOGIN = "/admin/login/"
# The documented default (README: DJANGO_LOGIN_FAILURE_LIMIT).
FAILURE_LIMIT = 5
LOCKED_PAGE = "Too many failed logins"


def lockout(server, account="editor1", limit=FAILURE_LIMIT):
    """Wrong passwords until the lockout answers, then the right one."""
    client = Client(server.port)
    statuses = []
    for attempt in range(limit + 2):
        _page, fields = client.form(LOGIN)
        fields.update(username=account, password=f"wrong-{attempt}")
        response = client.post(LOGIN, fields)
        statuses.append(response.status)
        if response.status == 429:
            break
    engaged_after = statuses.index(429) + 1 if 429 in statuses else None
    right = client.log_in(account)
    client.close()
    return {
        "failure_limit": limit,
        "statuses": statuses,
        "locked_after_failures": engaged_after,
        "right_password_then": right.status,
        "right_password_refused": right.status == 429 and LOCKED_PAGE in right.text,
    }


def guess(port, stop, deadline, tally, lock, number):
    """One guessing thread: a login form read once, then wrong passwords as fast as it can."""
    client = Client(port)
    _page, fields = client.form(LOGIN)
    counter = 0
    while not stop.is_set() and time.monotonic() < deadline:
        counter += 1
        fields.update(username=f"guess{number}-{counter % 7}", password=f"pw{counter}")
        try:
            response = client.post(LOGIN, fields)
        except Exception as error:  # Every failure is a figure of the run.
            client.close()
            with lock:
                tally["statuses"][type(error).__name__] += 1
            continue
        with lock:
            tally["statuses"][response.status] += 1
            tally["latencies"].append(response.elapsed)
    client.close()


def _beside(server, paths, readers, seconds, flood):
    """The readers' figures while `flood(stop, deadline)` runs in other threads."""
    stop = threading.Event()
    deadline = time.monotonic() + seconds + 1
    threads = flood(stop, deadline)
    time.sleep(1)  # the flood is under way (and the first guesses have locked the address)
    reading = hammer(server.port, paths, readers, seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return reading


def run_login(server, readers=4, guessers=8, seconds=5):
    """
    Part 5. The public pages' throughput is measured alone, beside `guessers` threads
    reading a trivial page (robots.txt: what any flood costs at the least), and beside as
    many threads guessing passwords after the lockout.
    """
    paths = public_mix(server.archive.database)
    editor = Client(server.port)
    editor.log_in("editor0")
    # Editors who logged in before the address was locked out go on saving.
    team = Team(server, 2, operations=("source", "highlights", "athlete"))
    locked = lockout(server)
    hammer(server.port, paths, readers, 2)  # warm the caches
    alone = hammer(server.port, paths, readers, seconds)

    def trivial(stop, deadline):
        thread = threading.Thread(
            target=hammer,
            args=(server.port, ["/robots.txt"], guessers, deadline - time.monotonic()),
            kwargs={"stop": stop},
            daemon=True,
        )
        thread.start()
        return [thread]

    beside_trivial = _beside(server, paths, readers, seconds, trivial)
    tally = {"statuses": Counter(), "latencies": []}
    lock = threading.Lock()

    def guessing(stop, deadline):
        threads = [
            threading.Thread(
                target=guess, args=(server.port, stop, deadline, tally, lock, n), daemon=True
            )
            for n in range(guessers)
        ]
        for thread in threads:
            thread.start()
        return threads

    flooded = _beside(server, paths, readers, seconds, guessing)

    def guessing_meanwhile(stop):
        threads = guessing(stop, time.monotonic() + seconds)
        for thread in threads:
            thread.join(timeout=seconds + 30)

    team.run(seconds, during=guessing_meanwhile)
    saves = verify(team.ledger, server.archive.database)
    editor_page = editor.get("/admin/")
    editor.close()
    guesses = sum(tally["statuses"].values())
    return {
        "lockout": locked,
        "readers": readers,
        "guessing_threads": guessers,
        "alone": alone.summary(),
        "beside_trivial_flood": beside_trivial.summary(),
        "during_guessing": flooded.summary(),
        "kept_of_alone": _share(flooded.rate, alone.rate),
        "kept_of_trivial_flood": _share(flooded.rate, beside_trivial.rate),
        "guesses": guesses,
        "guesses_per_s": round(guesses / (seconds + 1), 1),
        "guess_statuses": {str(k): v for k, v in sorted(tally["statuses"].items(), key=str)},
        "guess_p50_ms": _ms(percentile(tally["latencies"], 0.5)),
        "guess_p99_ms": _ms(percentile(tally["latencies"], 0.99)),
        "editor_logged_in_before": editor_page.status,
        "saves_during_guessing": saves,
    }


def _share(part, whole):
    return round(part / whole, 2) if whole else None


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)
