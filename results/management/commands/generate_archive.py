"""
Fill an archive with synthetic results, to measure the pages at the size real archives
reach (millions of results). Never run it on a real archive: every row it writes has a slug
starting with "synthetic-", and `--delete` removes exactly those rows.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from athletes.models import Athlete, Country, Sex, fold
from results.caching import archive_changed
from results.models import Championship, Competition, Discipline, Event, Result

PREFIX = "synthetic-"
EVENTS_PER_COMPETITION = 10
BATCH_EVENTS = 500

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
}
WOMEN_SCALE = 0.88


def synthetic_mark(discipline, sex, rng):
    """A plausible mark in the discipline's unit, better marks rarer than worse ones."""
    skill = rng.random() ** 2  # most athletes far from the record
    if discipline.measure == "time":
        distance = discipline.distance_m
        kind = (
            "walk"
            if discipline.is_walk
            else "sprint"
            if distance <= 400
            else "middle"
            if distance <= 1500
            else "long"
        )
        low, high = SPEEDS[kind]
        speed = low + (high - low) * skill
        if sex == Sex.WOMEN:
            speed *= WOMEN_SCALE
        milliseconds = distance / speed * 1000
        step = 10 if distance <= 400 else 1000
        return int(round(milliseconds / step) * step)
    low, high = FIELD[discipline.code]
    mark = low + (high - low) * skill
    if sex == Sex.WOMEN:
        mark *= WOMEN_SCALE
    return int(round(mark / 10) * 10) if discipline.measure != "points" else int(mark)


class Command(BaseCommand):
    help = "Add synthetic athletes, competitions, events and results for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--results", type=int, default=1_000_000)
        parser.add_argument("--field-size", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--delete", action="store_true", help="Remove synthetic rows.")

    def handle(self, *args, results, field_size, seed, delete, **options):
        if delete:
            self.delete()
            return
        if Athlete.objects.filter(slug__startswith=PREFIX).exists():
            self.stdout.write("The archive already holds synthetic rows (--delete removes them).")
            return
        disciplines = list(Discipline.objects.exclude(code__in=["35KW", "50000W"]))
        countries = list(Country.objects.filter(historic=False))
        championships = list(Championship.objects.all())
        if not (disciplines and countries and championships):
            raise CommandError("Load the reference fixtures first (manage.py load_archive).")
        rng = random.Random(seed)
        started = time.perf_counter()
        events_needed = results // field_size
        athletes = self.create_athletes(results // 10, countries, rng)
        pools = {sex: [a for a in athletes if a.sex == sex] for sex in Sex.values}
        competitions = self.create_competitions(
            -(-events_needed // EVENTS_PER_COMPETITION), countries, championships, rng
        )
        created = 0
        for start in range(0, len(competitions), BATCH_EVENTS // EVENTS_PER_COMPETITION):
            batch = competitions[start : start + BATCH_EVENTS // EVENTS_PER_COMPETITION]
            created += self.create_races(batch, disciplines, pools, field_size, rng)
            self.stdout.write(f"\r{created} results", ending="")
        archive_changed()  # bulk_create sends no signals
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a live database keeps
        self.stdout.write(
            f"\nAdded {len(athletes)} athletes, {len(competitions)} competitions and "
            f"{created} results in {time.perf_counter() - started:.0f} s."
        )

    def create_athletes(self, count, countries, rng):
        athletes = []
        for number in range(count):
            given, family = f"Runner{number}", f"Synthetic{number}"
            athletes.append(
                Athlete(
                    slug=f"{PREFIX}{number}",
                    given_name=given,
                    family_name=family,
                    search_name=fold(f"{given} {family}"),
                    sex=Sex.MEN if number % 2 == 0 else Sex.WOMEN,
                    country=rng.choice(countries),
                )
            )
        return Athlete.objects.bulk_create(athletes, batch_size=5000)

    def create_competitions(self, count, countries, championships, rng):
        competitions = []
        for number in range(count):
            championship = rng.choice(championships) if rng.random() < 0.6 else None
            year = rng.randint(1960, 2025)
            name = championship.name if championship else "Meeting"
            competitions.append(
                Competition(
                    slug=f"{PREFIX}{number}",
                    championship=championship,
                    name=f"{name} {number} {year}",
                    year=year,
                    city=f"City {number % 997}",
                    country=rng.choice(countries),
                )
            )
        return Competition.objects.bulk_create(competitions, batch_size=5000)

    @transaction.atomic
    def create_races(self, competitions, disciplines, pools, field_size, rng):
        events = []
        for competition in competitions:
            programme = rng.sample(
                [(d, sex) for d in disciplines for sex in Sex.values], EVENTS_PER_COMPETITION
            )
            for discipline, sex in programme:
                round_ = Event.Round.HEAT if rng.random() < 0.1 else Event.Round.FINAL
                events.append(
                    Event(competition=competition, discipline=discipline, sex=sex, round=round_)
                )
        events = Event.objects.bulk_create(events)
        rows = []
        for event in events:
            entrants = rng.sample(pools[event.sex], field_size)
            marks = sorted(
                (synthetic_mark(event.discipline, event.sex, rng) for _ in entrants),
                reverse=not event.discipline.lower_is_better,
            )
            for place, (athlete, mark) in enumerate(zip(entrants, marks, strict=True), start=1):
                rows.append(
                    Result(
                        event=event,
                        athlete=athlete,
                        country_id=athlete.country_id,
                        place=place,
                        mark=mark,
                    )
                )
        Result.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    @transaction.atomic
    def delete(self):
        results, _ = Result.objects.filter(athlete__slug__startswith=PREFIX).delete()
        Competition.objects.filter(slug__startswith=PREFIX).delete()
        Athlete.objects.filter(slug__startswith=PREFIX).delete()
        archive_changed()
        self.stdout.write(f"Removed the synthetic rows ({results} with their results).")
