"""
Part 3, and the readers of the other parts: a bounded load client in Python threads, one
keep-alive connection each, on 127.0.0.1 only. Every run stops at a deadline and after a
maximum number of requests, whichever comes first.
"""

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import database
from .client import Client


def percentile(values, fraction):
    """The value below which `fraction` of `values` lie (nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Record:
    path: str
    started: float
    finished: float
    status: int  # 0 when no answer came
    error: str = ""


@dataclass
class LoadResult:
    connections: int
    duration: float = 0.0
    records: list = field(default_factory=list)
    reconnects: int = 0

    @property
    def requests(self):
        return len(self.records)

    @property
    def errors(self):
        return [r for r in self.records if r.error or r.status != 200]

    @property
    def latencies(self):
        return [r.finished - r.started for r in self.records if r.status == 200]

    @property
    def rate(self):
        return self.requests / self.duration if self.duration else 0.0

    def summary(self):
        latencies = self.latencies
        statuses = Counter(r.status for r in self.records)
        return {
            "connections": self.connections,
            "duration_s": round(self.duration, 1),
            "requests": self.requests,
            "errors": len(self.errors),
            "error_examples": sorted({f"{r.path}: {r.status} {r.error}" for r in self.errors})[:10],
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "requests_per_s": round(self.rate, 1),
            "p50_ms": _ms(percentile(latencies, 0.50)),
            "p90_ms": _ms(percentile(latencies, 0.90)),
            "p99_ms": _ms(percentile(latencies, 0.99)),
            "max_ms": _ms(max(latencies) if latencies else None),
            "reconnects": self.reconnects,
        }


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def public_mix(path):
    """The public pages a visitor reads, with real slugs from the archive at `path`."""
    (athlete,) = database.query(
        path,
        "SELECT a.slug FROM athletes_athlete a JOIN results_result r ON r.athlete_id = a.id "
        "GROUP BY a.id ORDER BY COUNT(*) DESC LIMIT 1",
    )[0]
    event = database.query(
        path,
        "SELECT c.slug, d.code, e.sex, e.round, ch.slug, co.code FROM results_event e "
        "JOIN results_competition c ON c.id = e.competition_id "
        "JOIN results_discipline d ON d.id = e.discipline_id "
        "JOIN results_championship ch ON ch.id = c.championship_id "
        "JOIN athletes_country co ON co.id = c.country_id "
        "JOIN results_result r ON r.event_id = e.id "
        "GROUP BY e.id ORDER BY COUNT(*) DESC LIMIT 1",
    )[0]
    competition, code, sex, round_, championship, country = event
    return [
        "/",
        "/athletes/",
        f"/athletes/{athlete}/",
        "/competitions/",
        f"/competitions/{competition}/",
        f"/competitions/{competition}/{code}/{sex}/{round_}/",
        "/championships/",
        f"/championships/{championship}/",
        "/disciplines/",
        f"/disciplines/{code}/",
        "/medals/",
        "/countries/",
        f"/countries/{country}/",
        "/search/?q=perez",
        "/athletes/?q=ma&page=2",
    ]


def hammer(
    port,
    paths,
    connections,
    duration,
    max_requests=100_000,
    keep_alive=True,
    stop=None,
    timeout=30,
    headers=None,
):
    """
    `connections` threads, each reading `paths` in turn (each from its own offset) until
    `duration` seconds have passed, `stop` is set, or `max_requests` were sent in all.
    """
    result = LoadResult(connections=connections)
    stop = stop or threading.Event()
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.monotonic() + duration

    def visitor(offset):
        client = Client(port, timeout=timeout, keep_alive=keep_alive)
        records = []
        index = offset
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path = paths[index % len(paths)]
            index += 1
            started = time.monotonic()
            try:
                response = client.request("GET", path, headers=headers)
            except Exception as error:  # Every failure is a figure of the run.
                client.close()
                records.append(Record(path, started, time.monotonic(), 0, type(error).__name__))
                continue
            problem = "" if response.status == 200 else f"answered {response.status}"
            records.append(
                Record(
                    path,
                    response.started,
                    response.started + response.elapsed,
                    response.status,
                    problem,
                )
            )
        client.close()
        with lock:
            result.records.extend(records)
            result.reconnects += client.reconnects

    threads = [
        threading.Thread(target=visitor, args=(number,), daemon=True)
        for number in range(connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + timeout + 10)
    result.duration = time.monotonic() - started
    return result


def cpu_seconds(pid):
    """CPU time (user and system) process `pid` has used, or None once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerCPU:
    """
    The CPU time each gunicorn worker spends during a run, sampled every `interval`
    seconds: how evenly the load spreads over the workers (one per core).
    """

    def __init__(self, server, interval=0.5):
        self.server = server
        self.interval = interval
        self.samples = []  # (time, the busiest worker's share of the interval's CPU time)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        last = {}
        while not self.stop.wait(self.interval):
            spent = {}
            for pid in self.server.workers():
                now = cpu_seconds(pid)
                if now is not None:
                    spent[pid] = now - last.get(pid, now)
                    last[pid] = now
            total = sum(spent.values())
            if total > 0:
                self.samples.append((time.monotonic(), max(spent.values()) / total))

    def __enter__(self):
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join(timeout=10)
        self.ended = time.monotonic()

    def busiest_share_by_slice(self, slices):
        """The busiest worker's mean share of the CPU time, in `slices` parts of the run."""
        width = (self.ended - self.started) / slices
        parts = [[] for _ in range(slices)]
        for when, share in self.samples:
            parts[min(slices - 1, int((when - self.started) / width))].append(share)
        return [round(sum(part) / len(part), 2) if part else None for part in parts]


def run_public_load(server, connections=64, duration=10):
    """Part 3: `connections` visitors on a mix of public pages for `duration` seconds."""
    paths = public_mix(server.archive.database)
    # Warm each worker's cache of the aggregate tables, as a running site has it.
    hammer(server.port, paths, connections=4, duration=3, max_requests=4 * len(paths))
    log_start = len(server.log_text())
    with WorkerCPU(server) as workers:
        result = hammer(server.port, paths, connections, duration)
    # gunicorn replaces a worker after max_requests (gunicorn.conf.py): when, and what the
    # throughput was before and after, in tenths of the run.
    restarts = server.log_text()[log_start:].count("Autorestarting worker")
    return {
        **result.summary(),
        "worker_restarts": restarts,
        "busiest_worker_share_by_tenth": workers.busiest_share_by_slice(10),
        "requests_per_s_by_tenth": throughput_by_slice(result, 10),
        "pages": paths,
    }


def throughput_by_slice(result, slices):
    """Requests answered per second in each of `slices` equal parts of the run."""
    if not result.records:
        return []
    start = min(r.started for r in result.records)
    width = result.duration / slices
    counts = [0] * slices
    for record in result.records:
        counts[min(slices - 1, int((record.finished - start) / width))] += 1
    return [round(count / width, 1) for count in counts]
