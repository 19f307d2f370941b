"""
Fill an archive with synthetic results, to measure the pages at the size real archives
reach (millions of results). Never run it on a real archive: every athlete and competition
it writes has a slug starting with "synthetic-", and `--delete` removes exactly those rows
and what hangs on them.

It must be quick (issue 14: 30,000 results a second on SQLite, on two cores), so it writes
rows with raw SQL instead of model instances: `executemany` on SQLite and COPY on
PostgreSQL, one transaction per batch of some 100,000 results, with the ids of athletes,
competitions and events reserved up front so that no row is read back. Every column is
filled as Django would fill it (the model's defaults, prepared by the fields themselves),
and no history is written for synthetic rows. The results table's secondary indexes are
dropped for the load and rebuilt after it from the database's own definitions, so they come
back identical; its unique constraints stay, and the generated data respects them.

The data follows the rules the lists apply (`results.models`): wind readings where the
discipline has a wind limit (some over it, a few missing), hand-timed sprints before 1977,
indoor competitions without road events, a few venues at altitude.
"""

import math
import random
import sys
import time
from contextlib import ExitStack
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.fields import NOT_PROVIDED
from tqdm import tqdm

from athletes.models import Athlete, Country, SearchWord, Sex, fold, indexed_words, sort_name
from results import bestmarks
from results.bulk import indexes_dropped, load_settings, refresh_statistics
from results.caching import archive_changed
from results.models import (
    BestMark,
    Championship,
    Competition,
    Discipline,
    Event,
    Result,
)

PREFIX = "synthetic-"
SMALL = {"results": 200_000, "athletes": 20_000}
EVENTS_PER_COMPETITION = 10
# Results written per transaction (with their competitions and events), athletes per
# transaction: large enough that commits cost nothing, small enough to show progress.
RESULTS_PER_BATCH = 100_000
ATHLETES_PER_BATCH = 50_000

FIRST_YEAR, LAST_YEAR = 1960, 2025
LONGEST_CAREER = 15  # years
CHAMPIONSHIP_SHARE = 0.6
INDOOR_SHARE = 0.05
ALTITUDE_SHARE = 0.03
ALTITUDE_M = (1000, 2400)
HEAT_SHARE = 0.1
# Fully automatic timing became compulsory for records in 1977; before, many sprints were
# timed by hand (to the tenth).
HAND_TIMED_UNTIL = 1977
HAND_TIMED_SHARE = 0.3
# Wind readings where the rules read one: mostly legal, some over the limit, a few missing.
WIND_MISSING_SHARE = 0.03
WIND_AIDED_SHARE = 0.15

# What indoor arenas hold (World Indoor Championships and the indoor circuit, with the
# indoor walks of the past); a road event is never indoors.
INDOOR_CODES = {
    *["60", "200", "400", "800", "1500", "3000", "5000", "60H"],
    *["HJ", "PV", "LJ", "TJ", "SP", "HEP", "PEN", "3000W", "5000W"],
}
# Disciplines held by one sex only: outdoors the decathlon is the men's combined event and
# the heptathlon the women's; indoors the heptathlon is the men's and the pentathlon the
# women's.
ONE_SEX_OUTDOORS = {"100H": Sex.WOMEN, "110H": Sex.MEN, "DEC": Sex.MEN, "HEP": Sex.WOMEN}
ONE_SEX_INDOORS = {"HEP": Sex.MEN, "PEN": Sex.WOMEN}

# (low, high) speed in m/s for races, marks in mm or points otherwise: men's range, roughly
# from a good club athlete to the world record. Women's marks are scaled below.
SPEEDS = {"sprint": (8.3, 10.0), "middle": (6.3, 7.5), "long": (5.6, 6.4), "walk": (3.5, 4.3)}
FIELD = {
    "HJ": (1900, 2400),
    "PV": (4600, 6100),
    "LJ": (6800, 8800),
    "TJ": (14500, 17800),
    "SP": (16000, 22500),
    "DT": (50000, 72000),
    "HT": (60000, 84000),
    "JT": (65000, 92000),
    "DEC": (7000, 8900),
    "HEP": (5500, 7000),
    "PEN": (4000, 5000),
}
WOMEN_SCALE = 0.88


def race_kind(discipline):
    distance = discipline.distance_m
    if discipline.is_walk:
        return "walk"
    return "sprint" if distance <= 400 else "middle" if distance <= 1500 else "long"


def can_mark(discipline):
    """Whether `synthetic_mark` knows the discipline."""
    if discipline.measure == Discipline.Measure.TIME:
        return bool(discipline.distance_m)
    return discipline.code in FIELD


def mark_maker(discipline, sex):
    """
    The function turning a skill (0 a club athlete, 1 the world record) into a plausible
    mark in the discipline's unit, kept to the precision the archive keeps.
    """
    scale = WOMEN_SCALE if sex == Sex.WOMEN else 1
    if discipline.measure == Discipline.Measure.TIME:
        low, high = SPEEDS[race_kind(discipline)]
        low, span = low * scale, (high - low) * scale
        distance_ms = discipline.distance_m * 1000
        step = 10 if discipline.distance_m <= 400 else 1000
        return lambda skill: round(distance_ms / (low + span * skill) / step) * step
    low, high = FIELD[discipline.code]
    low, span = low * scale, (high - low) * scale
    if discipline.measure == Discipline.Measure.POINTS:
        return lambda skill: int(low + span * skill)
    return lambda skill: round((low + span * skill) / 10) * 10


def speciality(discipline):
    """The group of disciplines an athlete competes in: a sprinter runs 100 m and 200 m."""
    if discipline.measure == Discipline.Measure.TIME:
        return race_kind(discipline)
    if discipline.measure == Discipline.Measure.POINTS:
        return "combined"
    # The horizontal jumps are the field events with a wind reading.
    if discipline.measure == Discipline.Measure.HEIGHT or discipline.wind_measured:
        return "jumps"
    return "throws"


class Table:
    """
    How this command writes rows of `model`: the columns it fills (`filled`, attnames, in
    the order of each row), then every other column with its default, prepared by its field
    as Django prepares it for an INSERT. A NOT NULL column without a default is an error
    here, before anything is written.
    """

    def __init__(self, model, filled):
        self.model = model
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if f.attname not in filled]
        fields = [f for f in fields if not f.primary_key and f.db_default is NOT_PROVIDED]
        self.defaults = ()
        for field in fields:
            value = field.get_db_prep_save(field.get_default(), connection)
            if value is None and not field.null:
                raise CommandError(f"{model.__name__}.{field.name} needs a synthetic value.")
            self.defaults += (value,)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = [by_attname[name].column for name in filled] + [f.column for f in fields]

    def field(self, attname):
        return next(f for f in self.model._meta.concrete_fields if f.attname == attname)

    def insert(self, cursor, rows):
        """Write `rows` (tuples of the filled values, the defaults appended here)."""
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        defaults = self.defaults
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {quote(self.name)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + defaults)
        else:
            placeholders = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {quote(self.name)} ({columns}) VALUES ({placeholders})",
                [row + defaults for row in rows],
            )


def reserve_ids(cursor, model, count):
    """
    `count` primary keys for new rows of `model`, never used before: inside the batch's
    transaction on SQLite (which holds the write lock), from the sequence on PostgreSQL.
    """
    table, pk = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]
    quote = connection.ops.quote_name
    cursor.execute(f"SELECT MAX({quote(pk)}) FROM {quote(table)}")
    largest = cursor.fetchone()[0] or 0
    # AUTOINCREMENT never hands out the id of a deleted row again (its history may still
    # name it): neither does this.
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    row = cursor.fetchone()
    start = max(largest, row[0] if row else 0) + 1
    return range(start, start + count)


def synthetic_counts():
    """The synthetic results, athletes and competitions the archive holds."""
    return {
        "results": Result.objects.filter(athlete__slug__startswith=PREFIX).count(),
        "athletes": Athlete.objects.filter(slug__startswith=PREFIX).count(),
        "competitions": Competition.objects.filter(slug__startswith=PREFIX).count(),
    }


class Progress:
    """A tqdm bar on a terminal; in a log, a plain line at each quarter and none between."""

    def __init__(self, stdout, label, total):
        self.stdout, self.label, self.total, self.done = stdout, label, total, 0
        self.bar = None
        if stdout.isatty():
            self.bar = tqdm(total=total, desc=label, unit=" rows", unit_scale=True, file=sys.stdout)
        self.next_line = total / 4

    def update(self, count):
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif self.done >= self.next_line or self.done == self.total:
            self.stdout.write(f"{self.label}: {self.done:,} of {self.total:,}")
            while self.next_line <= self.done:
                self.next_line += self.total / 4

    def close(self):
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = "Add synthetic athletes, competitions, events and results for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--results", type=int, default=2_000_000)
        parser.add_argument(
            "--athletes", type=int, default=None, help="Default: a tenth of the results."
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help=f"{SMALL['results']:,} results and {SMALL['athletes']:,} athletes.",
        )
        parser.add_argument("--field-size", type=int, default=20, help="Results per event.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--delete", action="store_true", help="Remove synthetic rows.")

    # What the last run wrote and how long it took (`Generator.run`): None if it wrote nothing.
    generation = None

    def handle(self, *args, results, athletes, small, field_size, seed, delete, **options):
        if connection.vendor not in {"sqlite", "postgresql"}:
            raise CommandError("generate_archive writes to SQLite or PostgreSQL only.")
        if delete:
            self.delete()
            return
        if small:
            results, athletes = SMALL["results"], SMALL["athletes"]
        if athletes is None:
            athletes = results // 10
        if results < 1 or field_size < 1:
            raise CommandError("--results and --field-size must be positive.")
        if athletes // 2 < field_size:
            raise CommandError(f"A field of {field_size} needs {2 * field_size} athletes at least.")
        existing = synthetic_counts()
        if any(existing.values()):
            self.stdout.write(
                "The archive already holds {results:,} synthetic results ({athletes:,} athletes,"
                " {competitions:,} competitions): nothing written (--delete removes them).".format(
                    **existing
                )
            )
            self.check_indexes()
            # Migrations since the load may have added indexes (and on SQLite rebuilt tables)
            # without statistics; a live database keeps them fresh, so the benchmark does too.
            refresh_statistics()
            return
        self.generation = Generator(self, random.Random(seed), field_size).run(results, athletes)

    def delete(self):
        """
        Remove the synthetic rows with raw deletes, as the load wrote them: deleting millions
        of results one signal at a time would take hours and write a history row for each.
        """
        counts = synthetic_counts()
        started = time.perf_counter()
        results = Result.objects.filter(
            Q(athlete__slug__startswith=PREFIX) | Q(event__competition__slug__startswith=PREFIX)
        )
        with load_settings():
            with ExitStack() as stack:
                # The results and the rows that go with them (listed marks…) lose millions
                # of rows: their indexes are built again on what is left, not trimmed.
                for model in (Result, *cascading_from(Result)):
                    stack.enter_context(indexes_dropped(model))
                with transaction.atomic():
                    raw_delete(results)
            # Then the rest, once the indexes are back: for each athlete or event deleted,
            # the database looks for results still referring to it, by those indexes.
            with transaction.atomic():
                raw_delete(Competition.objects.filter(slug__startswith=PREFIX))
                raw_delete(SearchWord.objects.filter(athlete__slug__startswith=PREFIX))
                raw_delete(Athlete.objects.filter(slug__startswith=PREFIX))
                # The counts the raw deletes took rows from without a signal: the nations'
                # medal tallies and the numbers of listed and best marks.
                bestmarks.recount()
                archive_changed()
        self.stdout.write(
            "Removed {athletes:,} synthetic athletes, {competitions:,} competitions and "
            "{results:,} results".format(**counts)
            + f" in {time.perf_counter() - started:.1f} s."
        )
        self.check_indexes()

    def check_indexes(self):
        """
        A load interrupted beyond recovery (the process killed) leaves the results table
        without the indexes it dropped, and every page slow: say so rather than let a
        benchmark measure it.
        """
        with connection.cursor() as cursor:
            present = connection.introspection.get_constraints(cursor, Result._meta.db_table)
        missing = [index.name for index in Result._meta.indexes if index.name not in present]
        if missing:
            self.stderr.write(
                f"The results table lacks its indexes {', '.join(missing)}, dropped by an "
                "interrupted generate_archive: make the database anew."
            )


def dependents(model):
    """The relations of rows of other tables to `model`'s rows (reverse foreign keys)."""
    for relation in model._meta.get_fields(include_hidden=True):
        reverse = relation.auto_created and not relation.concrete
        if reverse and (relation.one_to_many or relation.one_to_one):
            yield relation


def cascading_from(model):
    """The models whose rows a delete of `model`'s rows takes with them."""
    return {r.related_model for r in dependents(model) if r.on_delete is models.CASCADE}


def raw_delete(queryset):
    """
    Delete the rows of `queryset` and, first, the rows that depend on them, as the foreign
    keys' `on_delete` says (cascade, set null or protect), without loading a row or sending
    a signal. History rows keep their references (their keys are DO_NOTHING, unconstrained).
    """
    model = queryset.model
    keys = queryset.order_by().values("pk")
    for relation in dependents(model):
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": keys}
        )
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            raw_delete(related)
        elif on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
        elif on_delete in (models.PROTECT, models.RESTRICT):
            if related.exists():
                raise CommandError(
                    f"{related.count()} {relation.related_model._meta.verbose_name_plural} "
                    f"still refer to synthetic {model._meta.verbose_name_plural}."
                )
        elif on_delete is not models.DO_NOTHING:
            raise CommandError(f"Cannot delete through {relation.field} ({on_delete.__name__}).")
    sql, params = keys.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} "
            f"IN ({sql})",
            params,
        )


class Generator:
    """One run of the command: the reference data it draws from and the rows it writes."""

    def __init__(self, command, rng, field_size):
        self.stdout, self.rng, self.field_size = command.stdout, rng, field_size
        # In the order of their natural keys, so that a seed makes the same archive in any
        # database, whatever ids the reference rows got there.
        self.countries = list(
            Country.objects.filter(historic=False).order_by("code").values_list("pk", flat=True)
        )
        self.disciplines = [d for d in Discipline.objects.order_by("code") if can_mark(d)]
        championships = list(Championship.objects.order_by("slug"))
        if not (self.countries and self.disciplines and championships):
            raise CommandError("Load the reference fixtures first (manage.py load_archive).")
        # Championships held indoors say so in their slug ("world-indoor-championships").
        self.championships = {
            indoor: [(c.pk, c.name) for c in championships if ("indoor" in c.slug) == indoor]
            for indoor in (False, True)
        }
        # The (discipline, sex) pairs a competition's events are drawn from.
        self.programmes = {
            indoor: [
                (discipline, sex)
                for discipline in self.disciplines
                for sex in Sex.values
                if self.held(discipline, sex, indoor)
            ]
            for indoor in (False, True)
        }
        self.marks = {
            (d.pk, sex): mark_maker(d, sex) for d in self.disciplines for sex in Sex.values
        }
        self.specialities = {d.pk: speciality(d) for d in self.disciplines}
        self.athletes_table = Table(
            Athlete,
            ["id", "slug", "given_name", "family_name", "search_name", "sort_name", "sex"]
            + ["country_id"],
        )
        self.words_table = Table(SearchWord, ["athlete_id", "word"])
        self.competitions_table = Table(
            Competition,
            ["id", "slug", "championship_id", "name", "year", "city", "country_id", "indoor"]
            + ["altitude_m"],
        )
        self.events_table = Table(Event, ["id", "competition_id", "discipline_id", "sex", "round"])
        self.results_table = Table(
            Result,
            ["event_id", "athlete_id", "country_id", "place", "mark", "hand_timed", "wind"],
        )
        prepare = self.results_table.field("wind").get_db_prep_save
        # Readings in tenths of a m/s, prepared once by the field (a string on SQLite).
        self.winds = {t: prepare(Decimal(t).scaleb(-1), connection) for t in range(-20, 61)}

    def status(self, text):
        """What a terminal shows during a long step without a bar; a log gets the times."""
        if self.stdout.isatty():
            self.stdout.write(text)

    @staticmethod
    def held(discipline, sex, indoor):
        """Whether a competition indoors (or outdoors) holds the discipline for `sex`."""
        if indoor:
            venue = discipline.is_indoor or discipline.code in INDOOR_CODES
            return venue and ONE_SEX_INDOORS.get(discipline.code, sex) == sex
        return not discipline.is_indoor and ONE_SEX_OUTDOORS.get(discipline.code, sex) == sex

    def run(self, results, athletes):
        """
        Write the archive; returns what was written and the seconds each step took: the
        rows, the results' indexes after them, the derived tables, the planner's statistics.
        """
        started = time.perf_counter()
        with load_settings() as tuned:
            self.write_athletes(athletes)
            competitions, events, indexes_seconds = self.write_results(results)
            rows_seconds = time.perf_counter() - started - indexes_seconds
            archive_changed()  # raw SQL sends no signals
            began = time.perf_counter()
            self.status("Rebuilding the derived tables (best marks, listed marks, medals)…")
            bestmarks.rebuild(bulk=True)
            derived_seconds = time.perf_counter() - began
            began = time.perf_counter()
            refresh_statistics()
            statistics_seconds = time.perf_counter() - began
        run = {
            "athletes": athletes,
            "competitions": competitions,
            "events": events,
            "results": results,
            "best_marks": BestMark.objects.count(),
            "rows_seconds": rows_seconds,
            "indexes_seconds": indexes_seconds,
            "derived_seconds": derived_seconds,
            "statistics_seconds": statistics_seconds,
            "seconds": time.perf_counter() - started,
        }
        self.stdout.write(
            "Wrote {athletes:,} athletes, {competitions:,} competitions, {events:,} events and "
            "{results:,} results in {rows_seconds:.1f} s: ".format(**run)
            + f"{results / rows_seconds:,.0f} results a second."
        )
        self.stdout.write(
            "Rebuilt the results' indexes in {indexes_seconds:.1f} s, the derived tables "
            "({best_marks:,} best marks) in {derived_seconds:.1f} s; the planner's statistics "
            "took {statistics_seconds:.1f} s. {seconds:.1f} s in all, ".format(**run)
            + f"{results / run['seconds']:,.0f} results a second."
        )
        if not tuned:
            self.stdout.write("Inside a transaction: the database's settings were left alone.")
        return run

    # Athletes ---------------------------------------------------------------------------

    def write_athletes(self, count):
        """
        Athletes with a nation, a speciality and a career of a few years: the pools each
        event draws its field from, by (speciality, sex, year). No date of birth: a small
        archive fills its fields from outside the careers, and a birth date would then make
        the odd result one the model refuses (an event before the athlete's birth).
        """
        rng = self.rng
        # An athlete's speciality is drawn as a discipline is: more sprinters than
        # decathletes.
        specialities = list(self.specialities.values())
        self.pools = {}
        progress = Progress(self.stdout, "Athletes", count)
        for start in range(0, count, ATHLETES_PER_BATCH):
            size = min(ATHLETES_PER_BATCH, count - start)
            rows, words = [], []
            with transaction.atomic(), connection.cursor() as cursor:
                ids = reserve_ids(cursor, Athlete, size)
                for number, pk in enumerate(ids, start=start):
                    given, family = f"Runner{number}", f"Synthetic{number}"
                    sex = Sex.MEN if number % 2 == 0 else Sex.WOMEN
                    country = rng.choice(self.countries)
                    debut = rng.randint(FIRST_YEAR, LAST_YEAR)
                    last = min(LAST_YEAR, debut + rng.randint(0, LONGEST_CAREER - 1))
                    rows.append(
                        (
                            pk,
                            f"{PREFIX}{number}",
                            given,
                            family,
                            fold(f"{given} {family}"),
                            sort_name(family, given),
                            sex.value,
                            country,
                        )
                    )
                    words += [(pk, word) for word in sorted(indexed_words(f"{given} {family}"))]
                    entrant = (pk, country)
                    group = rng.choice(specialities)
                    for year in range(debut, last + 1):
                        self.pools.setdefault((group, sex.value, year), []).append(entrant)
                    self.pools.setdefault((group, sex.value), []).append(entrant)
                    self.pools.setdefault(sex.value, []).append(entrant)
                self.athletes_table.insert(cursor, rows)
                self.words_table.insert(cursor, words)
            progress.update(size)
        progress.close()

    def entrants(self, discipline, sex, year, size):
        """A field of `size` athletes of the discipline's speciality active that year, or, in
        a small archive, of its speciality in any year, or of any speciality."""
        group = self.specialities[discipline.pk]
        for key in ((group, sex, year), (group, sex), sex):
            pool = self.pools.get(key, ())
            if len(pool) >= size:
                return self.rng.sample(pool, size)
        raise CommandError(f"Too few athletes for a field of {size}.")

    # Competitions, events and results ---------------------------------------------------

    def write_results(self, count):
        """
        Write the results batch by batch, with their competitions and events; returns the
        number of competitions and events, and the seconds the index build took.
        """
        per_batch = max(1, RESULTS_PER_BATCH // (EVENTS_PER_COMPETITION * self.field_size))
        progress = Progress(self.stdout, "Results", count)
        competitions = events = 0
        with indexes_dropped(Result) as indexes:
            try:
                left = count
                while left:
                    with transaction.atomic(), connection.cursor() as cursor:
                        batch = self.write_batch(cursor, competitions, per_batch, left)
                    competitions += batch[0]
                    events += batch[1]
                    left -= batch[2]
                    progress.update(batch[2])
            finally:
                progress.close()
                self.status("Building the results' indexes…")
        return competitions, events, indexes["seconds"]

    def write_batch(self, cursor, first, count, left):
        """
        Up to `count` competitions numbered from `first`, with their events and results, no
        more than `left` results: returns how many competitions, events and results.
        """
        rng, field_size = self.rng, self.field_size
        competitions, plans = [], []
        for number in range(first, first + count):
            if not left:
                break
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            indoor = rng.random() < INDOOR_SHARE
            championship = None
            if rng.random() < CHAMPIONSHIP_SHARE and self.championships[indoor]:
                championship = rng.choice(self.championships[indoor])
            name = championship[1] if championship else "Indoor Meeting" if indoor else "Meeting"
            altitude = None
            if rng.random() < ALTITUDE_SHARE:
                altitude = rng.randrange(ALTITUDE_M[0], ALTITUDE_M[1] + 1, 10)
            competitions.append(
                [
                    f"{PREFIX}{number}",
                    championship[0] if championship else None,
                    f"{name} {number} {year}",
                    year,
                    f"City {number % 997}",
                    rng.choice(self.countries),
                    indoor,
                    altitude,
                ]
            )
            programme = self.programmes[indoor]
            events = min(EVENTS_PER_COMPETITION, len(programme), math.ceil(left / field_size))
            for discipline, sex in rng.sample(programme, events):
                size = min(field_size, left)
                left -= size
                plans.append((len(competitions) - 1, year, indoor, discipline, sex, size))
        competition_ids = reserve_ids(cursor, Competition, len(competitions))
        event_ids = reserve_ids(cursor, Event, len(plans))
        events, results = [], []
        for pk, (index, year, indoor, discipline, sex, size) in zip(event_ids, plans, strict=True):
            round_ = Event.Round.HEAT if rng.random() < HEAT_SHARE else Event.Round.FINAL
            events.append((pk, competition_ids[index], discipline.pk, sex, round_.value))
            results += self.field(pk, discipline, sex, year, indoor, size)
        self.competitions_table.insert(
            cursor, [(pk, *row) for pk, row in zip(competition_ids, competitions, strict=True)]
        )
        self.events_table.insert(cursor, events)
        self.results_table.insert(cursor, results)
        return len(competitions), len(events), len(results)

    def field(self, event, discipline, sex, year, indoor, size):
        """The result rows of one event, best mark first."""
        rng = self.rng
        random_ = rng.random
        make = self.marks[discipline.pk, sex]
        marks = sorted(
            (make(random_() ** 2) for _ in range(size)), reverse=not discipline.lower_is_better
        )
        hand_timed = (
            discipline.is_sprint and year < HAND_TIMED_UNTIL and random_() < HAND_TIMED_SHARE
        )
        if hand_timed:
            marks = [round(mark / 100) * 100 for mark in marks]  # to the tenth
        limit = discipline.wind_limit
        # There is no wind indoors; a race has one reading, a jump or a combined event one
        # per athlete.
        measured = limit is not None and not indoor
        per_athlete = measured and discipline.measure != Discipline.Measure.TIME
        wind = self.wind(limit) if measured and not per_athlete else None
        rows = []
        for place, ((athlete, country), mark) in enumerate(
            zip(self.entrants(discipline, sex, year, size), marks, strict=True), start=1
        ):
            if per_athlete:
                wind = self.wind(limit)
            rows.append((event, athlete, country, place, mark, hand_timed, wind))
        return rows

    def wind(self, limit):
        """A reading (prepared for the database) for a discipline with a wind limit."""
        draw = self.rng.random()
        if draw < WIND_MISSING_SHARE:
            return None
        tenths = int(limit * 10)
        if draw < WIND_MISSING_SHARE + WIND_AIDED_SHARE:
            return self.winds[tenths + self.rng.randint(1, 20)]
        return self.winds[self.rng.randint(-20, 20)]
