"""
Prepared statements on PostgreSQL (revisions/statements.py, archive/postgresql): the queries of
the all-time lists, of a profile and of an event are planned once per connection, and the
pages read the same with them as without. On SQLite, `prepared()` changes nothing.
"""

import pytest
from django.db import connection
from django.urls import reverse

from results.models import BestMark, Discipline, Event
from results.standings.lists import best_mark_progression, marks_kept_apart, performers

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def kept_statements():
    """The statements the connection holds prepared, as PostgreSQL lists them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def no_kept_statements():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # psycopg forgets its own names on this statement too.
            cursor.execute("DEALLOCATE ALL")
    yield


@on_postgresql
def test_an_all_time_list_and_a_profile_are_read_by_prepared_statements(
    client, perez, no_kept_statements
):
    assert kept_statements() == []
    walk = reverse("results:discipline", args=["20KW"])
    assert client.get(walk).status_code == 200
    kept = kept_statements()
    assert any('FROM "results_bestmark"' in statement for statement in kept), kept
    # Every other query of the page is sent as Django sends it, its values in its text.
    assert all("$1" in statement for statement in kept), kept

    assert client.get(perez.get_absolute_url()).status_code == 200
    profile = [statement for statement in kept_statements() if statement not in kept]
    assert any('WHERE "results_result"."athlete_id" = $1' in s for s in profile), profile


# What each prepared statement reads first: the queries whose best plan is the same for any
# values (revisions/statements.py). Not, for one, the front door's latest records, which
# only a partial index serves: planned for any values, it read every result (90 ms).
PREPARED_READS = {
    'FROM "results_bestmark"',  # the whole archive's performers
    'FROM "results_listedmark"',  # performances, and the window of a narrowed list
    'FROM "results_result"',  # results by key, one athlete's, or in the events of one
    "WITH RECURSIVE seasons",  # the best mark of each season
    'FROM "athletes_athlete"',  # an athlete by their key
    'FROM "athletes_highlight"',  # and their stories, names and sources
    'FROM "athletes_alias"',
    'FROM "athletes_source"',
    'FROM "results_event"',  # an event by its keys
}


def first_read(statement):
    return next(
        (read for read in sorted(PREPARED_READS, key=statement.find) if read in statement),
        statement[:80],
    )


@on_postgresql
def test_each_prepared_statement_is_planned_once_for_any_values(client, perez, no_kept_statements):
    walk = reverse("results:discipline", args=["20KW"])
    for page in [
        walk,
        walk + "?list=performances",
        walk + "?year_from=1996&year_to=1996",
        walk + "?country=ECU",
        perez.get_absolute_url(),
        reverse("home"),
        Event.objects.get(competition__slug="olympic-games-1996").get_absolute_url(),
    ]:
        assert client.get(page).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        kept = cursor.fetchall()
    assert {first_read(statement) for statement, _generic, _custom in kept} == PREPARED_READS
    assert not any('"records" = $' in statement for statement, _generic, _custom in kept)
    for statement, generic, custom in kept:
        # The plan for any values, from the first run (archive/postgresql).
        assert custom == 0 and generic >= 1, statement


@on_postgresql
def test_nothing_is_prepared_on_a_connection_closed_after_each_request(
    client, perez, no_kept_statements, monkeypatch
):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    assert client.get(reverse("results:discipline", args=["20KW"])).status_code == 200
    assert kept_statements() == []


@on_postgresql
def test_prepared_statements_can_be_turned_off(client, perez, settings, no_kept_statements):
    settings.PG_PREPARED_STATEMENTS = False
    assert client.get(reverse("results:discipline", args=["20KW"])).status_code == 200
    assert client.get(perez.get_absolute_url()).status_code == 200
    assert kept_statements() == []


def test_a_page_reads_the_same_with_prepared_statements_and_without(
    client, perez, settings, no_kept_statements
):
    pages = [
        reverse("results:discipline", args=["20KW"]),
        reverse("results:discipline", args=["20KW"]) + "?year_from=1996&year_to=1996",
        perez.get_absolute_url(),
        Event.objects.get(competition__slug="olympic-games-1996").get_absolute_url(),
    ]
    # Seven times each: PostgreSQL plans a prepared statement for its first five runs'
    # parameters and may then keep one plan for any.
    prepared = [client.get(page).content for page in pages for _ in range(7)]
    settings.PG_PREPARED_STATEMENTS = False
    unprepared = [client.get(page).content for page in pages for _ in range(7)]
    assert prepared == unprepared


def test_a_plan_kept_for_any_discipline_reads_each_one_right(perez, no_kept_statements):
    codes = sorted(set(BestMark.objects.values_list("discipline__code", flat=True)))
    assert len(codes) >= 2
    disciplines = [Discipline.objects.get(code=code) for code in codes]

    def lists():
        return [
            (
                [(row.pk, row.rank) for row in performers(discipline, "M")[0:100]],
                [(step.year, step.mark) for step in best_mark_progression(discipline, "M")],
                [row.pk for row in marks_kept_apart(discipline, "M")],
            )
            for discipline in disciplines
        ]

    first = lists()
    for _ in range(6):
        assert lists() == first
    assert all(performed for performed, _, _ in first)
    assert [row.pk for row in performers(disciplines[0], "M")[0:100]] == [
        best.result_id
        for best in BestMark.objects.filter(discipline=disciplines[0], sex="M").order_by(
            disciplines[0].mark_order(), "year", "result_id"
        )
    ]
