"""
Every public page through a real server: gunicorn with the production settings on 127.0.0.1,
loaded by wrk. Absolute figures vary from one run to the next on a shared machine, so each
page is measured right after a trivial view (/robots.txt) on the same server, and judged by
its share of the trivial view's requests per second. Three ways of serving a page:

- warm: the page cache holds it, as for every reader after the first until the archive changes;
- cold: rendered from the database on every request, with no page cache and no cached table
  (a second server with PAGE_CACHE=0 and CACHE_URL=dummy://): what the first reader after an
  editor's change waits for;
- conditional: a browser or a proxy asking again with the page's ETag, answered 304.

The speed targets live here, not in the tests: the document lists the pages that miss one,
and `--strict` makes a miss an error.
"""

import json
import os
import re
import secrets
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max
from django.template.backends.django import Template as BackendTemplate
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from athletes.models import Athlete
from results.benchmarking import (
    STATUS_SCRIPT,
    WRK_TIMEOUT_SECONDS,
    BenchmarkError,
    Server,
    find_wrk,
    machine,
    manage,
    production_environment,
    run_wrk,
    time_generation,
    wrk_version,
)
from results.management.commands.generate_archive import synthetic_counts
from results.models import Competition, Event, Result

TRIVIAL_URL = "/robots.txt"
WORKERS = 2
MODES = ("warm", "cold", "conditional")

# A warm page is served from the cache, a conditional one answered 304 from the archive's
# version alone: both should cost hardly more than the trivial view (which is itself cached
# and answered 304 the same way).
WARM_SHARE = 0.70
CONDITIONAL_SHARE = 0.90
# generate_archive, all in: the rows, their indexes, the derived tables and the statistics.
GENERATION_TARGET = 30_000  # results a second, on SQLite
# One athlete's file loaded into the archive (timed inside its process), in seconds; the
# first request for his profile after it must then meet a profile's cold p50: its median
# over `LOADS` loads, as one request alone is at the mercy of whatever else the machine does.
LOAD_TARGET_SECONDS = 2
LOADS = 5


@dataclass(frozen=True)
class ColdTarget:
    """What a page rendered from the database must reach: a share of the trivial view's
    requests per second, and a median latency."""

    share: float
    p50_ms: float

    def __str__(self):
        return f"≥ {share(self.share)}, p50 < {self.p50_ms:g} ms"


ONE_THING = ColdTarget(share=0.05, p50_ms=20)  # a profile, an event, a competition, a nation
WHOLE_ARCHIVE = ColdTarget(share=0.025, p50_ms=40)  # lists ranked over the whole archive

# Pages not named here are reported, with no target when cold.
COLD_TARGETS = {
    "athlete profile (most results)": ONE_THING,
    "nation": ONE_THING,
    "competition": ONE_THING,
    "event (largest)": ONE_THING,
    "athlete list, filtered": WHOLE_ARCHIVE,
    "all-time performers": WHOLE_ARCHIVE,
    "all-time performances": WHOLE_ARCHIVE,
    "all-time, filtered": WHOLE_ARCHIVE,
    "season list": WHOLE_ARCHIVE,
    "medal table": WHOLE_ARCHIVE,
    "medal table, filtered": WHOLE_ARCHIVE,
    "search": WHOLE_ARCHIVE,
    "search, two words in any order": WHOLE_ARCHIVE,
}

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Why a page misses its cold target, as measured (see the document's notes). Every p50 under
# `wrk -c4` on two sync workers also holds the wait for the request ahead of it: about twice
# the server's own time for the page.
QUEUEING = "with 4 connections on 2 sync workers, the p50 is about twice the page's own time"
WHY_MISSED = {
    "athlete list, filtered": (
        "the nation's athletes are checked one by one against the typed word's covering "
        "index and the medal table; the rest is fifty rows and the filter form rendered"
    ),
    "athlete profile (most results)": (
        "indexed queries, 1 to 4 ms of SQL; the rest is Python: Django writing the SQL of "
        "nine queries, some 500 model instances (each result with its event, discipline, "
        "competition, venue and championship), the podiums, bests, progression and rivals "
        "(a thousand other results counted) computed from them, and eleven sections "
        "rendered, Django's templates about a third of it though every table's rows, the "
        "podiums and the charts are written by template tags"
    ),
    "nation": (
        "its queries take about 1 ms of SQL; compiling them, fifty athletes and two medal "
        "tables rendered are the rest"
    ),
    "all-time performers": (
        "each query reads its index (tests/test_query_plans.py), 2 to 3 ms of SQL; the rest "
        "is Python: a hundred rows built (six model instances each) and written with marks, "
        "flags, nations and links (one tag, about 2 ms), the form's two hundred nations, "
        "the progression and the marks kept apart, and the page around them"
    ),
    "all-time performances": "as the performers: a hundred rows built and written",
    "all-time, filtered": (
        "the best per athlete is a window over the nation's listed marks, read from their "
        "own index (under 1 ms of SQL), then the rows built and written"
    ),
    "season list": (
        "the best per athlete is a window over one year's listed marks (about 1 ms of SQL), "
        "then a hundred rows built and written; Django takes 1.4 ms to compile that window "
        "query and its join (0.5 ms an all-time list's)"
    ),
    "medal table": (
        "both tables are read from the tallies' index; the rest is rendering two tables of "
        "fifty rows"
    ),
    "medal table, filtered": (
        "the medals the filter keeps, counted twice (by nation, by athlete) from covering "
        "indexes and ranked with a window (4 to 5 ms of SQL, most of it ranking some 4,400 "
        "athletes), then two tables of fifty rows and the form rendered"
    ),
    "search": (
        "four indexed queries (the athletes' words, competitions, disciplines, nations); the "
        "rest is the page"
    ),
    "search, two words in any order": "as the search: a prefix range per word",
}

# What PostgreSQL adds to a page's time where it misses there only, or by more (measured with
# EXPLAIN ANALYZE on the benchmark archive).
LIST_ON_POSTGRESQL = (
    "on PostgreSQL each query is a round trip, and those not prepared (the count, the "
    "nations, the keys of the marks kept apart) are planned on each run; the rows', the "
    "progression's and the kept-apart results' queries are prepared statements, planned once "
    "per connection (docs/performance.md)"
)
WHY_ON_POSTGRESQL = {
    "all-time performers": LIST_ON_POSTGRESQL,
    "all-time performances": LIST_ON_POSTGRESQL,
    "all-time, filtered": LIST_ON_POSTGRESQL,
    "season list": (
        "on PostgreSQL the page's query (the window over the year's 500 marks, then the "
        "six-table join of its hundred rows) is a prepared statement, planned once per "
        "connection; each query is a round trip"
    ),
    "nation": "on PostgreSQL each of its seven queries is a round trip to the server",
}


def prepared_statements():
    """How the settings send the queries asking to be prepared, on PostgreSQL."""
    if connection.vendor != "postgresql":
        return ""
    if settings.PG_PREPARED_STATEMENTS:
        return ", the lists' and profiles' queries as prepared statements"
    return ", no prepared statement (`PG_PREPARED_STATEMENTS=0`)"


def why_missed(name):
    """Why the page `name` misses its target on the database in use."""
    why = WHY_MISSED.get(name, "not analysed yet")
    if connection.vendor == "postgresql" and name in WHY_ON_POSTGRESQL:
        why = f"{why}; {WHY_ON_POSTGRESQL[name]}"
    return why


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
    season = Competition.objects.filter(events__discipline=event.discipline).aggregate(
        year=Max("year")
    )["year"]
    # A rival of the busiest athlete: someone from one of their races.
    rival = (
        Result.objects.filter(event__results__athlete=athlete)
        .exclude(athlete=athlete)
        .select_related("athlete")
        .order_by("pk")
        .first()
    )
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
        "season list": f"/disciplines/{discipline}/?year_from={season}&year_to={season}",
        "medal table": "/medals/",
        "medal table, filtered": "/medals/?championship=olympic-games&sex=M&year_from=1980",
        "search": "/search/?q=perez",
        # Quoted: a name may be written in any alphabet ("Pérez"), a URL only in ASCII.
        "search, two words in any order": "/search/?"
        + urlencode({"q": f"{athlete.family_name} {athlete.given_name}".lower()}),
    } | (
        {"head to head": reverse("athletes:head-to-head", args=[athlete.slug, rival.athlete.slug])}
        if rival
        else {}
    )


@dataclass
class PageFigures:
    name: str
    url: str
    queries: int
    runs: dict  # mode -> (the trivial view's Run, the page's Run), measured back to back

    def page(self, mode):
        return self.runs[mode][1]

    def ratio(self, mode):
        trivial, page = self.runs[mode]
        return page.ratio(trivial)

    @property
    def cold_target(self):
        return COLD_TARGETS.get(self.name)

    def misses(self):
        """Each target the page missed, with its figure."""
        misses = []
        if self.ratio("warm") < WARM_SHARE:
            misses.append(
                f"warm {self.ratio('warm'):.0%} of the trivial view (target ≥ {share(WARM_SHARE)})"
            )
        if self.ratio("conditional") < CONDITIONAL_SHARE:
            misses.append(
                f"conditional {self.ratio('conditional'):.0%} of the trivial view "
                f"(target ≥ {share(CONDITIONAL_SHARE)})"
            )
        target = self.cold_target
        if target:
            if self.ratio("cold") < target.share:
                misses.append(
                    f"cold {percent(self.ratio('cold'))} of the trivial view "
                    f"(target ≥ {share(target.share)})"
                )
            if self.page("cold").p50_ms >= target.p50_ms:
                misses.append(
                    f"cold p50 {self.page('cold').p50_ms:.1f} ms (target < {target.p50_ms:g} ms)"
                )
        return misses


@dataclass
class FixtureLoad:
    path: str
    slug: str
    profile_url: str
    seconds: float
    wall_seconds: float
    output: str
    cold_first_ms: list  # the first request after each load, on each server
    warm_first_ms: list

    def first_ms(self, server):
        """The median first request after a load on `server` ("cold" or "warm")."""
        return statistics.median(getattr(self, f"{server}_first_ms"))

    def misses(self):
        """Each target the load missed, with its figure (as `PageFigures.misses`)."""
        misses = []
        if self.seconds >= LOAD_TARGET_SECONDS:
            misses.append(
                f"the slowest load took {self.seconds:.2f} s (target < {LOAD_TARGET_SECONDS} s)"
            )
        first = ONE_THING.p50_ms
        for server in ("cold", "warm"):
            if self.first_ms(server) >= first:
                misses.append(
                    f"the first request for his profile took {self.first_ms(server):.1f} ms on "
                    f"the {server} server, the median after {len(self.cold_first_ms)} loads "
                    f"(target < {first:g} ms, a profile's cold p50)"
                )
        return misses


def percent(ratio):
    """A measured share: a decimal where it matters (cold pages), none where it does not."""
    return f"{ratio:.2%}" if ratio < 0.1 else f"{ratio:.0%}"


def queries_label(count):
    return f"{count} quer{'y' if count == 1 else 'ies'}"


def share(ratio):
    """A target's share, as written: 5%, 2.5%."""
    return f"{ratio * 100:g}%"


def as_cold_server():
    """The settings the test client answers with as the cold server does: every cache off."""
    return override_settings(
        PAGE_CACHE=False, CACHES=NO_CACHE, ALLOWED_HOSTS=["localhost"], SECURE_SSL_REDIRECT=False
    )


def count_queries(url):
    """The queries of one request with every cache off: what a cold server runs for it."""
    client = Client(SERVER_NAME="localhost")
    with (
        as_cold_server(),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code} through the test client.")
    return len(queries)


@contextmanager
def template_timer():
    """
    The time spent rendering templates while inside: a list whose one item grows with each
    outermost render (the page's template and, within it, form widgets' are counted once).
    Template rendering includes the queries a template evaluates lazily.
    """
    spent, depth = [0.0], [0]
    original = BackendTemplate.render

    def render(self, context=None, request=None):
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(self, context, request)
        finally:
            depth[0] -= 1
            if not depth[0]:
                spent[0] += time.perf_counter() - started

    BackendTemplate.render = render
    try:
        yield spent
    finally:
        BackendTemplate.render = original


def time_split(url, repeat=5):
    """
    The server's own time for one cold request of `url` and the part of it spent rendering
    templates, in ms: medians of `repeat` requests through the test client after a first one,
    every cache off, as the cold server runs them.
    """
    client = Client(SERVER_NAME="localhost")
    with (
        as_cold_server(),
        template_timer() as spent,
    ):
        client.get(url)
        totals, templates = [], []
        for _ in range(repeat):
            spent[0] = 0.0
            started = time.perf_counter()
            client.get(url)
            totals.append(time.perf_counter() - started)
            templates.append(spent[0])
    return statistics.median(totals) * 1000, statistics.median(templates) * 1000


def fixture_athletes(path):
    """The slugs of the athletes a fixture file holds."""
    try:
        objects = json.loads((settings.BASE_DIR / path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    slugs = [item["fields"]["slug"] for item in objects if item["model"] == "athletes.athlete"]
    if not slugs:
        raise CommandError(f"{path} holds no athlete.")
    return slugs


def generation_misses(generation):
    """What generate_archive missed of its target (on SQLite), or "" (as `PageFigures.misses`)."""
    if isinstance(generation, str) or connection.vendor != "sqlite":
        return ""
    rate = generation["results"] / generation["seconds"]
    if rate >= GENERATION_TARGET:
        return ""
    return f"{rate:,.0f} results a second all in (target ≥ {GENERATION_TARGET:,})"


def generation_lines(generation):
    """The document's account of generate_archive's run (`time_generation`)."""
    if isinstance(generation, str):
        return ["**Not timed:**", "", "```", *generation.splitlines()[-15:], "```"]
    results, seconds = generation["results"], generation["seconds"]
    rate = results / seconds
    if connection.vendor == "sqlite":
        verdict = "met" if rate >= GENERATION_TARGET else "**missed**"
        target = f"target ≥ {GENERATION_TARGET:,} results a second on SQLite: {verdict}"
    else:
        target = f"the target, ≥ {GENERATION_TARGET:,} results a second, is SQLite's"
    steps = [
        ("the rows (athletes, competitions, events, results, search words)", "rows_seconds"),
        ("the results' indexes, built after the rows", "indexes_seconds"),
        (
            f"the derived tables ({generation['best_marks']:,} best marks, the listed marks, "
            "the medals, their counts), their indexes built after them",
            "derived_seconds",
        ),
        ("the planner's statistics", "statistics_seconds"),
    ]
    return [
        f"`manage.py generate_archive --results {results} --athletes {generation['athletes']}` "
        "on an empty database of its own (migrated, with the shipped reference data loaded), "
        "after the runs above, writing "
        f"{generation['athletes']:,} athletes, {generation['competitions']:,} competitions, "
        f"{generation['events']:,} events and {results:,} results: {seconds:.1f} s in all, "
        f"**{rate:,.0f} results a second** ({target}).",
        "",
        "| step | seconds | share |",
        "|---|---:|---:|",
        *(
            f"| {label} | {generation[key]:.1f} | {generation[key] / seconds:.0%} |"
            for label, key in steps
        ),
        f"| all in | {seconds:.1f} | 100% |",
    ]


def _stop_on_sigterm(signum, frame):
    # SystemExit unwinds through the `with` blocks, which stop the servers.
    sys.exit(128 + signum)


class Command(BaseCommand):
    help = (
        "Load every public page through gunicorn (production settings) with wrk: warm, cold "
        "and conditional, each beside a trivial view; write the figures to a Markdown file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="",
            help="Markdown file to write; {vendor} becomes sqlite or postgresql. "
            "Without it, the document is printed.",
        )
        parser.add_argument(
            "--duration", type=int, default=5, help="Seconds of each wrk run (default 5)."
        )
        parser.add_argument(
            "--connections", type=int, default=4, help="wrk's open connections (default 4)."
        )
        parser.add_argument(
            "--fixture",
            default="tests/data/rival-fernandez.json",
            help="One athlete's fixture, loaded (again) into the archive and timed.",
        )
        parser.add_argument(
            "--page",
            action="append",
            default=[],
            metavar="NAME",
            help="Measure only this page type (repeatable), e.g. --page 'medal table'.",
        )
        parser.add_argument(
            "--no-generation",
            action="store_false",
            dest="generation",
            help="Do not time generate_archive on an empty database of its own.",
        )
        parser.add_argument("--strict", action="store_true", help="Fail when a target is missed.")

    def handle(
        self, *args, output, duration, connections, fixture, page, generation, strict, **options
    ):
        if duration < 1 or connections < 1:
            raise CommandError("--duration and --connections must be at least 1.")
        self.duration, self.connections = duration, connections
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            self.wrk = find_wrk()
            slugs = fixture_athletes(fixture)
            pages = page_urls()
            if page:
                unknown = set(page) - pages.keys()
                if unknown:
                    raise CommandError(
                        f"No page named {', '.join(sorted(unknown))}; "
                        f"the pages: {', '.join(pages)}."
                    )
                pages = {name: url for name, url in pages.items() if name in page}
            sizes = {
                "athletes": Athlete.objects.count(),
                "competitions": Competition.objects.count(),
                "events": Event.objects.count(),
                "results": Result.objects.count(),
            }
            self.stdout.write(", ".join(f"{n:,} {label}" for label, n in sizes.items()))
            rows, trivial, load, problems = self.measure(pages, fixture, slugs)
            # Once the servers are stopped, so that nothing else runs meanwhile.
            self.stdout.write("Splitting each page's own time (test client, caches off)…")
            splits = {row.name: time_split(row.url) for row in rows}
            if generation:
                generation = self.time_generation()
        except BenchmarkError as error:
            raise CommandError(str(error)) from None
        document = self.markdown(rows, trivial, sizes, load, problems, splits, generation)
        if output:
            output = output.format(vendor=connection.vendor)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(document, encoding="utf-8")
            self.stdout.write(f"Wrote {output}")
        else:
            self.stdout.write(document)
        if isinstance(load, str):
            raise CommandError(f"Loading the fixture failed (the page figures were kept): {load}")
        missed = [row.name for row in rows if row.misses()]
        if load.misses():
            missed.append("loading one athlete")
        if generation and generation_misses(generation):
            missed.append("generate_archive")
        if missed:
            message = f"Targets missed: {', '.join(missed)}"
            if strict:
                raise CommandError(message)
            self.stderr.write(message)

    def measure(self, pages, fixture, slugs):
        secret_key = secrets.token_urlsafe(50)
        warm_environment = production_environment(secret_key, PAGE_CACHE="1")
        cold_environment = production_environment(secret_key, PAGE_CACHE="0", CACHE_URL="dummy://")
        with tempfile.TemporaryDirectory(prefix="benchmark-") as scratch, ExitStack() as servers:
            self.script = Path(scratch) / "statuses.lua"
            self.script.write_text(STATUS_SCRIPT)
            # The production settings serve static files from the manifest (WhiteNoise).
            manage("collectstatic", "--noinput", "-v0", environment=warm_environment)
            self.stdout.write("Counting queries (test client, caches off)…")
            queries = {name: count_queries(url) for name, url in pages.items()}
            queries[TRIVIAL_URL] = count_queries(TRIVIAL_URL)
            self.warm = servers.enter_context(
                Server("warm", warm_environment, workers=WORKERS, log_dir=scratch)
            )
            self.cold = servers.enter_context(
                Server("cold", cold_environment, workers=WORKERS, log_dir=scratch)
            )
            self.stdout.write(
                f"Servers on {self.warm.base_url} (warm) and {self.cold.base_url} (cold); "
                f"{len(pages) * len(MODES) * 2} runs of {self.duration} s."
            )
            rows = []
            try:
                for name, url in pages.items():
                    runs = {
                        mode: (self.run(mode, TRIVIAL_URL), self.run(mode, url)) for mode in MODES
                    }
                    rows.append(PageFigures(name, url, queries[name], runs))
                    self.stdout.write(self.progress(rows[-1]))
            except BenchmarkError as error:
                # What the servers said is the explanation: their logs go with the scratch dir.
                logs = "\n".join(
                    f"--- {server.name} server's log ---\n{server.log_tail()}"
                    for server in (self.warm, self.cold)
                )
                raise BenchmarkError(f"{error}\n{logs}") from None
            trivial_runs = {mode: [row.runs[mode][0] for row in rows] for mode in MODES}
            try:
                load = self.load_fixture(fixture, slugs, warm_environment)
            except (BenchmarkError, DatabaseError) as error:
                # The page figures are kept: the document says what failed, the exit status too.
                load = f"{type(error).__name__}: {error}"
            problems = self.warm.logged_problems() + self.cold.logged_problems()
        return rows, (trivial_runs, queries[TRIVIAL_URL]), load, problems

    def run(self, mode, url):
        """One wrk run of `url` in `mode`, after checking what the server answers for it."""
        if mode == "cold":
            answer = self.cold.get(url)
            if answer.status != 200 or answer.header("ETag"):
                raise BenchmarkError(
                    f"{url} on the cold server: {answer.status}, ETag {answer.header('ETag')} "
                    "(expected 200 without a page cache)."
                )
            return run_wrk(
                self.wrk,
                self.script,
                self.cold.base_url + url,
                expect=200,
                duration=self.duration,
                connections=self.connections,
            )
        self.warm.fill(url, self.connections)
        etag = self.warm.get(url).header("ETag")
        if not etag:
            raise BenchmarkError(f"{url} has no ETag on the warm server.")
        if mode == "warm":
            return run_wrk(
                self.wrk,
                self.script,
                self.warm.base_url + url,
                expect=200,
                duration=self.duration,
                connections=self.connections,
            )
        revalidated = self.warm.get(url, {"If-None-Match": etag})
        if revalidated.status != 304 or revalidated.body:
            raise BenchmarkError(
                f"{url} with If-None-Match {etag}: {revalidated.status}, "
                f"{len(revalidated.body)} bytes (expected 304, empty)."
            )
        return run_wrk(
            self.wrk,
            self.script,
            self.warm.base_url + url,
            expect=304,
            duration=self.duration,
            connections=self.connections,
            headers=[f"If-None-Match: {etag}"],
        )

    def progress(self, row):
        figures = "  ".join(
            f"{mode} {row.page(mode).requests_per_second:7.1f} rps {percent(row.ratio(mode)):>5} "
            f"p50 {row.page(mode).p50_ms:6.1f} ms"
            for mode in MODES
        )
        return f"{figures}  {row.queries:3d} q  {row.name}"

    def load_fixture(self, path, slugs, environment):
        """
        One athlete's file loaded into the big archive, then the first request for his
        profile on each server, `LOADS` times over. If the archive holds him already (an
        earlier run, the shipped files, the load before), he and his results are deleted
        first, so that each load writes his rows again rather than finding them all there.
        """
        # `manage.py loaddata`, timed inside its process too: Django's start-up (a second
        # or so) would otherwise hide what the load itself costs.
        timed_load = (
            "import time; from django.core.management import call_command; "
            f"started = time.perf_counter(); call_command('loaddata', {path!r}); "
            "print(f'load took {time.perf_counter() - started:.6f} s')"
        )
        self.stdout.write(f"Loading {path}, {LOADS} times…")
        loads = []
        for _ in range(LOADS):
            with transaction.atomic():
                for athlete in Athlete.objects.filter(slug__in=slugs):
                    Result.objects.filter(athlete=athlete).delete()
                    athlete.delete()
            started = time.perf_counter()
            output = manage("shell", "-v0", "--command", timed_load, environment=environment)
            wall_seconds = time.perf_counter() - started
            timing = re.search(r"^load took ([\d.]+) s$", output, re.MULTILINE)
            if not timing:
                raise BenchmarkError(f"Cannot read the load's time from:\n{output}")
            profile_url = Athlete.objects.get(slug=slugs[0]).get_absolute_url()
            first = {}
            for server in (self.cold, self.warm):
                answer = server.get(profile_url)
                if answer.status != 200:
                    raise BenchmarkError(
                        f"{profile_url} answered {answer.status} on the {server.name} server."
                    )
                first[server.name] = answer.elapsed_ms
            loads.append((float(timing.group(1)), wall_seconds, first))
        return FixtureLoad(
            path=path,
            slug=slugs[0],
            profile_url=profile_url,
            seconds=max(seconds for seconds, _, _ in loads),
            wall_seconds=max(wall for _, wall, _ in loads),
            output=output[: timing.start()].strip(),
            cold_first_ms=[first["cold"] for _, _, first in loads],
            warm_first_ms=[first["warm"] for _, _, first in loads],
        )

    def time_generation(self):
        """
        generate_archive on an empty database of its own, at the size of the synthetic
        archive measured (`benchmarking.time_generation`); its failure is reported, not raised.
        """
        synthetic = synthetic_counts()
        results, athletes = synthetic["results"], synthetic["athletes"]
        if not results:
            return "The archive holds no synthetic results, whose generation would be timed."
        self.stdout.write(f"Timing generate_archive: {results:,} results on an empty database…")
        environment = production_environment(secrets.token_urlsafe(50))
        try:
            return time_generation(results, athletes, environment)
        except (BenchmarkError, DatabaseError) as error:
            return f"{type(error).__name__}: {error}"

    def database_version(self):
        if connection.vendor == "sqlite":
            return "SQLite", connection.Database.sqlite_version
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return "PostgreSQL", cursor.fetchone()[0]
        return connection.vendor, ""

    def markdown(self, rows, trivial, sizes, load, problems, splits, generation=None):
        trivial_runs, trivial_queries = trivial
        database, version = self.database_version()
        cpu, cpus = machine()
        cache_url = os.environ.get("CACHE_URL", "")
        warm_cache = (
            f"a shared cache ({cache_url.split(':', 1)[0]})"
            if cache_url
            else "each worker's own memory (LocMem)"
        )
        conn_max_age = settings.DATABASES["default"].get("CONN_MAX_AGE", 0)
        wrk = (
            f"wrk -c{self.connections} -t{min(2, self.connections)} -d{self.duration}s "
            "--latency --timeout 30s"
        )
        lines = [
            f"# Benchmark: {database} {version}",
            "",
            f"Measured {date.today():%Y-%m-%d} with `make bench` (`manage.py benchmark`).",
            "",
            f"- Machine: {cpu}, {cpus} CPU{'s' if cpus != 1 else ''}; Python "
            f"{sys.version.split()[0]}, Django {django.get_version()}, wrk "
            f"{wrk_version(self.wrk)}.",
            f"- Database: {database} {version}.",
            "- Archive: " + ", ".join(f"{n:,} {label}" for label, n in sizes.items()) + ".",
            "",
            "## Method",
            "",
            f"Two gunicorn servers on 127.0.0.1 with the production settings (DEBUG off, static "
            f"files collected and served by WhiteNoise, CONN_MAX_AGE {conn_max_age}"
            f"{prepared_statements()}), each "
            f"{WORKERS} sync workers (`--worker-class sync`, no worker recycling, access log "
            f"off), loaded by `{wrk}` on the same machine; after each run, a pause as long as "
            "its slowest answer lets the server finish what wrk left in flight:",
            "",
            f"- **warm**: the page cache on, in {warm_cache}; each page asked for first, so "
            "that every worker holds it;",
            "- **cold**: a second server with `PAGE_CACHE=0 CACHE_URL=dummy://`, every request "
            "rendered from the database with no cached table;",
            "- **conditional**: the warm server asked with `If-None-Match: <the page's ETag>`; "
            "every answer was checked to be 304.",
            "",
            f"Right before each page, `{TRIVIAL_URL}` (the trivial view) is measured the same "
            "way on the same server; a page's *ratio* is its requests/s over the trivial "
            "view's in that pair, which holds steadier between runs than requests/s alone. "
            "*Queries* are those of one request through Django's test client with every "
            "cache off (what a cold request runs). Latencies are wrk's, in ms.",
            "",
            f"Targets: warm ≥ {WARM_SHARE:.0%} and conditional ≥ {CONDITIONAL_SHARE:.0%} of "
            f"the trivial view for every page; cold: {ONE_THING} for a profile, an event, a "
            f"competition and a nation; {WHOLE_ARCHIVE} for the all-time and season lists, the "
            "medal tables, search and the filtered directory; other pages are reported only.",
            "",
            "## Results",
            "",
            "| page | URL | queries | warm rps | warm ratio | warm p50 | warm p99 | cold rps "
            "| cold ratio | cold p50 | cold p99 | cond. rps | cond. ratio | cold target "
            "| targets met |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        median = {
            mode: {
                figure: statistics.median(getattr(run, figure) for run in trivial_runs[mode])
                for figure in ("requests_per_second", "p50_ms", "p99_ms")
            }
            for mode in MODES
        }
        lines.append(
            f"| trivial view (median of {len(rows)} runs) | `{TRIVIAL_URL}` | {trivial_queries} "
            + "".join(
                f"| {median[mode]['requests_per_second']:.0f} | 100% "
                + (
                    f"| {median[mode]['p50_ms']:.1f} | {median[mode]['p99_ms']:.1f} "
                    if mode != "conditional"
                    else ""
                )
                for mode in MODES
            )
            + "| | |"
        )
        sparse = extended = False
        for row in rows:
            cells = [f"{row.name}", f"`{row.url}`", str(row.queries)]
            for mode in MODES:
                run = row.page(mode)
                longer = run.seconds != self.duration
                extended = extended or longer
                cells += [
                    f"{run.requests_per_second:.0f}{' ‡' if longer else ''}",
                    percent(row.ratio(mode)),
                ]
                if mode != "conditional":
                    # A run of few requests has no meaningful 99th percentile.
                    few = run.requests < 100
                    sparse = sparse or few
                    cells += [f"{run.p50_ms:.1f}", f"{run.p99_ms:.1f}{' †' if few else ''}"]
            cells.append(str(row.cold_target or "report only"))
            cells.append("**no**" if row.misses() else "yes")
            lines.append("| " + " | ".join(cells) + " |")
        if sparse:
            lines += ["", "† fewer than 100 requests in the run: its p99 is close to its maximum."]
        if extended:
            lines += [
                "",
                f"‡ no answer came back within {self.duration} s: run again for "
                f"{WRK_TIMEOUT_SECONDS} s.",
            ]
        socket_errors = sorted(
            {
                f"{row.name} ({mode}): {run.socket_errors}"
                for row in rows
                for mode in MODES
                for run in row.runs[mode]
                if run.socket_errors
            }
        )
        if socket_errors or problems:
            lines += ["", "Errors seen during the runs:", ""]
            lines += [f"- wrk socket errors, {line}" for line in socket_errors]
            lines += [f"- server log: `{line.strip()}`" for line in problems[:20]]
        lines += ["", "## Loading one athlete into the archive", ""]
        if isinstance(load, str):
            failure = load.splitlines()
            if len(failure) > 20:  # the command, then the end of its traceback
                failure = [failure[0], "…", *failure[-15:]]
            lines += ["**The load failed:**", "", "```", *failure, "```"]
        else:
            cold = ", ".join(f"{ms:.1f}" for ms in load.cold_first_ms)
            warm = ", ".join(f"{ms:.1f}" for ms in load.warm_first_ms)
            lines.append(
                f"`manage.py loaddata {load.path}` ({load.output.rstrip('.')}), {LOADS} times, "
                "he and his results deleted through the ORM before each: the slowest load took "
                f"{load.seconds * 1000:.0f} ms, timed inside its process ({load.wall_seconds:.2f} "
                "s with Django's start-up). The first request for his profile "
                f"(`{load.profile_url}`) after each load took {cold} ms on the cold server "
                f"(median {load.first_ms('cold'):.1f}) and {warm} ms on the warm one, whose "
                f"cached pages the load retired (median {load.first_ms('warm'):.1f}). Targets: "
                f"each load under {LOAD_TARGET_SECONDS} s, the first request's median under "
                f"{ONE_THING.p50_ms:g} ms (a profile's cold p50): "
                f"{'**missed**' if load.misses() else 'met'}."
            )
        if generation:
            lines += ["", "## Generating the archive", "", *generation_lines(generation)]
        lines += ["", "## Missed targets and why", ""]
        missed = [row for row in rows if row.misses()]
        load_misses = [] if isinstance(load, str) else load.misses()
        if load_misses:
            lines.append(f"- **loading one athlete** (`{load.path}`): {'; '.join(load_misses)}.")
        if generation and generation_misses(generation):
            lines.append(f"- **generate_archive**: {generation_misses(generation)}.")
        elif not missed and not load_misses:
            lines.append("None: every page met its targets.")
        for row in missed:
            lines += [
                f"- **{row.name}** (`{row.url}`): cold p50 {row.page('cold').p50_ms:.1f} ms, "
                f"{queries_label(row.queries)}; missed: {'; '.join(row.misses())}.",
                f"  - **Why:** {why_missed(row.name)}; {QUEUEING}.",
            ]
        lines += [
            "",
            "## Where a cold page's time goes",
            "",
            "The server's own time for one request (median of five, after one), measured after "
            "the runs on the same archive through Django's test client with every cache off, "
            "split into the rendering of the templates (which includes the queries a template "
            "evaluates lazily, such as a page's list of athletes) and the rest of the view (its "
            "queries). The p50 above is about twice these figures: with four connections on two "
            "sync workers, a request mostly waits for one ahead of it.",
            "",
            "| page | server ms | templates ms | view and queries ms | templates share |",
            "|---|---:|---:|---:|---:|",
        ]
        for row in rows:
            total, templates = splits[row.name]
            lines.append(
                f"| {row.name} | {total:.1f} | {templates:.1f} | {total - templates:.1f} | "
                f"{templates / total:.0%} |"
            )
        return "\n".join(lines) + "\n"
