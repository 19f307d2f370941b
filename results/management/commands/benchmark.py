"""
Time every public page against the current database, as a visitor's browser would ask for
it, and write the figures to a Markdown table. Speed targets live here, not in the tests:
a page slower than its target is marked, and `--strict` makes that an error.
"""

import platform
import statistics
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete
from results.models import Competition, Event, Result

# What a visitor should never wait longer for, server side, on a warm archive.
TARGET_MS = 300


def page_urls():
    """One URL per page type, picked from the data: the busiest athlete, event and nation."""
    athlete = Athlete.objects.annotate(races=Count("results")).order_by("-races", "pk").first()
    event = Event.objects.annotate(size=Count("results")).order_by("-size", "pk").first()
    competition = Competition.objects.filter(championship__isnull=False).order_by("pk").first()
    busiest_nation = (
        Result.objects.values("country__code").annotate(n=Count("pk")).order_by("-n").first()
    )
    if not (athlete and event and competition and busiest_nation):
        raise CommandError("The archive is empty: run load_archive and generate_archive first.")
    nation = busiest_nation["country__code"]
    discipline = event.discipline.code
    return {
        "home": "/",
        "athlete list": "/athletes/",
        "athlete list, filtered": f"/athletes/?q=synthetic&country={nation}&medallists=on",
        "athlete profile (most results)": athlete.get_absolute_url(),
        "nations": "/countries/",
        "nation": f"/countries/{nation}/",
        "competition list": "/competitions/",
        "competition list, filtered": "/competitions/?championship=olympic-games&year_from=1990",
        "competition": competition.get_absolute_url(),
        "event (largest)": event.get_absolute_url(),
        "championship list": "/championships/",
        "championship": "/championships/olympic-games/",
        "discipline list": "/disciplines/",
        "all-time performers": f"/disciplines/{discipline}/",
        "all-time performances": f"/disciplines/{discipline}/?list=performances",
        "all-time, filtered": f"/disciplines/{discipline}/?sex=W&year_from=2000&country={nation}",
        "medal table": "/medals/",
        "medal table, filtered": "/medals/?championship=olympic-games&sex=M&year_from=1980",
        "search": "/search/?q=perez",
    }


class Command(BaseCommand):
    help = "Time every public page on the current database and write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument(
            "--output",
            default="",
            help="Markdown file to write the table to; {vendor} becomes sqlite or postgresql.",
        )
        parser.add_argument("--strict", action="store_true", help="Fail when a page is slow.")

    def handle(self, *args, repeat, output, strict, **options):
        client = Client(SERVER_NAME="localhost")
        rows, slow = [], []
        for name, url in page_urls().items():
            # The first request fills the caches (the database's pages, Django's cached
            # tables): it is what the first visitor after an editor's change waits for.
            started = time.perf_counter()
            client.get(url)
            first = (time.perf_counter() - started) * 1000
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            median = statistics.median(timings)
            if median > TARGET_MS:
                slow.append(name)
            rows.append((name, url, len(queries), first, median, max(timings)))
            self.stdout.write(
                f"{median:8.1f} ms (first {first:6.1f})  {len(queries):3d} queries  {name}  {url}"
            )
        if output:
            output = output.format(vendor=connection.vendor)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(self.markdown(rows, repeat), encoding="utf-8")
            self.stdout.write(f"Wrote {output}")
        if slow:
            message = f"Slower than {TARGET_MS} ms: {', '.join(slow)}"
            if strict:
                raise CommandError(message)
            self.stderr.write(message)

    def markdown(self, rows, repeat):
        vendor = connection.vendor
        version = connection.Database.sqlite_version if vendor == "sqlite" else ""
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = cursor.fetchone()[0]
        counts = {
            "athletes": Athlete.objects.count(),
            "competitions": Competition.objects.count(),
            "events": Event.objects.count(),
            "results": Result.objects.count(),
        }
        lines = [
            f"## {vendor} {version}",
            "",
            f"Measured {date.today():%Y-%m-%d} with `make bench` on {platform.machine()}, "
            f"{platform.python_implementation()} {platform.python_version()}; "
            + ", ".join(f"{n:,} {label}" for label, n in counts.items())
            + f". The first request after a change, then the median and slowest of {repeat} "
            "more, through Django's test client (server time, no network); "
            f"target {TARGET_MS} ms for the median.",
            "",
            "| page | URL | queries | first ms | median ms | max ms | within target |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for name, url, queries, first, median, slowest in rows:
            verdict = "yes" if median <= TARGET_MS else "**no**"
            lines.append(
                f"| {name} | `{url}` | {queries} | {first:.0f} | {median:.0f} | {slowest:.0f} "
                f"| {verdict} |"
            )
        return "\n".join(lines) + "\n"
