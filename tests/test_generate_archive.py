"""
`manage.py generate_archive` fills an archive with synthetic data for benchmarks, with raw
SQL for speed, and must still leave it as Django and the lists expect: the counts asked for,
marks the model accepts, the results' indexes as they were, the best-mark table up to date,
no history, nothing written twice, and `--delete` taking every synthetic row away.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from athletes.models import Athlete, Sex, fold
from results.benchmarking import production_environment, time_generation
from results.bestmarks import rebuild
from results.management.commands.benchmark import FixtureLoad, generation_lines
from results.management.commands.generate_archive import PREFIX, mark_maker
from results.marks import check_mark_value
from results.models import (
    WIND_LIMITS,
    BestMark,
    Competition,
    Discipline,
    Event,
    ListedMark,
    Medal,
    Result,
)

from .helpers import row_counts
from .test_best_marks import assert_up_to_date, tables

pytestmark = pytest.mark.django_db

SMALL_RUN = {"results": 3000, "athletes": 300}


def generate(**options):
    """Run the command (a small archive unless told otherwise); what it printed."""
    out = StringIO()
    call_command("generate_archive", stdout=out, **{**SMALL_RUN, **options})
    return out.getvalue()


def synthetic_results():
    return Result.objects.filter(athlete__slug__startswith=PREFIX)


def indexes(model=Result):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def best_marks():
    return set(
        BestMark.objects.values_list("athlete_id", "discipline_id", "sex", "result_id", "mark")
    )


def test_a_small_run_writes_the_counts_asked_for(reference_data):
    output = generate()

    assert Athlete.objects.filter(slug__startswith=PREFIX).count() == 300
    assert synthetic_results().count() == 3000
    events = Event.objects.filter(competition__slug__startswith=PREFIX)
    assert events.count() == 150
    assert Competition.objects.filter(slug__startswith=PREFIX).count() == 15
    assert {event.results.count() for event in events} == {20}
    assert "3,000 results" in output


def test_the_last_event_takes_what_is_left(reference_data):
    generate(results=1010, athletes=200)

    events = Event.objects.filter(competition__slug__startswith=PREFIX)
    sizes = sorted(events.annotate(size=Count("results")).values_list("size", flat=True))
    assert sizes == [10] + [20] * 50


def test_every_column_is_filled_as_django_fills_it(reference_data):
    generate()

    athlete = Athlete.objects.filter(slug__startswith=PREFIX).first()
    assert athlete.search_name == fold(f"{athlete.given_name} {athlete.family_name}")
    assert (athlete.version, athlete.biography, athlete.photo.name) == (0, "", "")
    athlete.full_clean()
    competition = Competition.objects.filter(slug__startswith=PREFIX).first()
    assert competition.version == 0
    competition.full_clean()
    result = synthetic_results().first()
    assert (result.status, result.records, result.note, result.version) == ("OK", "", "", 0)


def test_sampled_results_pass_the_model_rules(reference_data):
    generate()

    sample = {}
    for result in synthetic_results().select_related("event__discipline").order_by("pk"):
        sample.setdefault(result.event.discipline.code, result)
    hand_timed = synthetic_results().filter(hand_timed=True).first()
    assert len(sample) > 10
    for result in [*sample.values(), *([hand_timed] if hand_timed else [])]:
        result.full_clean()


def test_the_results_indexes_come_back_identical(reference_data):
    before = indexes()

    generate()

    assert indexes() == before
    assert "result_once_per_event" in before


def test_the_derived_tables_equal_a_fresh_rebuild_and_keep_their_indexes(reference_data):
    # generate_archive fills them without their indexes (built after), rebuild() with them.
    before = {model: indexes(model) for model in (ListedMark, Medal, BestMark)}
    generate()
    derived = tables()

    rebuild()

    assert derived[BestMark] and derived[ListedMark] and derived[Medal]
    assert tables() == derived
    assert {model: indexes(model) for model in before} == before
    assert "listed_mark_list_idx" in before[ListedMark]


def test_no_history_is_written_for_synthetic_rows(reference_data):
    models = (Athlete, Competition, Event, Result)
    before = [model.history.count() for model in models]

    generate()

    assert [model.history.count() for model in models] == before


def test_a_second_run_writes_nothing(reference_data):
    generate()
    counts = row_counts()

    output = generate()

    assert row_counts() == counts
    assert "already holds 3,000 synthetic results" in output


def test_delete_removes_every_synthetic_row(perez):
    counts, marks, results_indexes = row_counts(), best_marks(), indexes()
    generate()

    output = generate(delete=True)

    assert row_counts() == counts
    assert best_marks() == marks
    assert_up_to_date()  # the counts of listed and best marks and the medal tallies too
    assert indexes() == results_indexes
    assert "Removed 300 synthetic athletes, 15 competitions and 3,000 results" in output
    assert Athlete.objects.filter(slug="jefferson-perez").exists()


def test_a_rerun_warns_of_indexes_an_interrupted_load_left_dropped(reference_data):
    generate()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX result_event_mark_idx")
    errors = StringIO()

    call_command("generate_archive", stdout=StringIO(), stderr=errors, **SMALL_RUN)

    assert "result_event_mark_idx" in errors.getvalue()


def test_marks_from_the_slowest_to_the_record_are_ones_the_archive_accepts(reference_data):
    for discipline in Discipline.objects.all():
        for sex in Sex.values:
            make = mark_maker(discipline, sex)
            for skill in (0, 0.37, 1):
                check_mark_value(make(skill), discipline)


def test_too_few_athletes_for_a_field_are_refused(reference_data):
    with pytest.raises(CommandError, match="needs 40 athletes"):
        generate(athletes=30)

    assert not Athlete.objects.filter(slug__startswith=PREFIX).exists()


def test_progress_in_a_log_is_a_few_plain_lines(reference_data):
    output = generate()

    assert "\r" not in output
    assert len(output.splitlines()) <= 12


def test_the_data_follows_the_rules_the_lists_apply(reference_data):
    generate(results=40_000, athletes=4_000)
    results = synthetic_results()
    competitions = Competition.objects.filter(slug__startswith=PREFIX)

    indoor = competitions.filter(indoor=True)
    assert 0.02 <= indoor.count() / competitions.count() <= 0.1
    assert not results.filter(event__competition__indoor=True, event__discipline__venue="road")
    assert not results.filter(event__competition__indoor=True, wind__isnull=False)

    altitudes = set(competitions.exclude(altitude_m=None).values_list("altitude_m", flat=True))
    assert altitudes
    assert all(1000 <= altitude <= 2400 for altitude in altitudes)

    hand_timed = results.filter(hand_timed=True).select_related("event__discipline")
    assert hand_timed.exists()
    assert not hand_timed.filter(event__competition__year__gte=1977)
    assert all(result.event.discipline.is_sprint for result in hand_timed)

    outdoors = results.filter(event__competition__indoor=False)
    for code, limit in WIND_LIMITS.items():
        readings = list(
            outdoors.filter(event__discipline__code=code).values_list("wind", flat=True)
        )
        if not readings:
            continue
        missing = sum(wind is None for wind in readings) / len(readings)
        aided = sum(wind is not None and wind > limit for wind in readings) / len(readings)
        legal = [wind for wind in readings if wind is not None and wind <= limit]
        assert missing < 0.1, code
        assert 0.05 < aided < 0.3, code
        assert all(Decimal("-2.0") <= wind <= Decimal("2.0") for wind in legal), code
    assert not results.exclude(event__discipline__code__in=list(WIND_LIMITS)).exclude(wind=None)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="runs on a SQLite file of its own whatever the suite's database: once, on SQLite",
)
def test_a_run_on_its_own_database_restores_its_settings(tmp_path):
    """
    Outside a test's transaction the command also tunes SQLite for the load (PRAGMAs that
    cannot change inside one): a real run, in a process and database of its own. The same
    run whatever database the rest of the suite uses, so it runs in the SQLite suite alone.
    """
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "archive.sqlite3"), "DJANGO_DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (["migrate", "-v0"], ["load_archive", "-v0"]):
        subprocess.run(manage + command, env=env, check=True, capture_output=True, timeout=300)
    script = """
import json
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

def state():
    with connection.cursor() as cursor:
        pragmas = {}
        for name in ("synchronous", "cache_size", "temp_store", "foreign_keys"):
            cursor.execute(f"PRAGMA {name}")
            pragmas[name] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'results_result' ORDER BY name"
        )
        return {"pragmas": pragmas, "schema": cursor.fetchall()}

before = state()
call_command("generate_archive", results=2000, athletes=200, verbosity=0)
print(json.dumps({"before": before, "after": state()}))
"""
    shell = subprocess.run(
        [*manage, "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    states = json.loads(shell.stdout.strip().splitlines()[-1])

    assert states["after"] == states["before"]
    assert states["before"]["pragmas"]["synchronous"] == 1  # NORMAL, from the settings


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_times_a_generation_on_a_database_of_its_own(reference_data):
    """
    `make bench` reports how fast generate_archive writes: run on an empty database of its
    own (a file, or a database made and dropped beside this one), this one left as it was.
    """
    counts = row_counts()
    environment = production_environment("a-secret-key-for-this-test-only-" * 2)

    generation = time_generation(2000, 200, environment)

    assert row_counts() == counts
    assert (generation["results"], generation["athletes"]) == (2000, 200)
    assert generation["best_marks"] > 0
    steps = ("rows_seconds", "indexes_seconds", "derived_seconds", "statistics_seconds")
    assert 0 < sum(generation[step] for step in steps) <= generation["seconds"]
    document = "\n".join(generation_lines(generation))
    assert "200 athletes" in document and "2,000 results" in document
    assert f"{2000 / generation['seconds']:,.0f} results a second" in document
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE '%_generation'")
            assert cursor.fetchall() == []


def test_the_benchmark_says_which_target_loading_one_athlete_missed():
    """
    `make bench` loads one athlete's file into the big archive five times: each load under
    2 s, and the first request for his profile after a load under a profile's 20 ms, the
    median on each server.
    """

    def load(seconds, cold_ms, warm_ms):
        return FixtureLoad(
            path="tests/data/rival-fernandez.json",
            slug="francisco-javier-fernandez",
            profile_url="/athletes/francisco-javier-fernandez/",
            seconds=seconds,
            wall_seconds=seconds + 0.5,
            output="Loaded 8 object(s) from 1 file(s).",
            cold_first_ms=cold_ms,
            warm_first_ms=warm_ms,
        )

    # One slow first request among five is the machine, not the page.
    assert load(0.07, [13.0, 14.0, 31.0, 12.5, 13.2], [19.9] * 5).misses() == []
    assert load(2.4, [13.0] * 5, [14.0] * 5).misses() == [
        "the slowest load took 2.40 s (target < 2 s)"
    ]
    assert load(0.07, [21.5, 22.0, 19.0, 23.0, 21.0], [14.0] * 5).misses() == [
        "the first request for his profile took 21.5 ms on the cold server, the median after "
        "5 loads (target < 20 ms, a profile's cold p50)"
    ]
