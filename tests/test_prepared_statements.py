"""
Prepared statements on PostgreSQL (revisions/statements.py, archive/postgresql): the queries of
the all-time lists and of a profile's results are planned once per connection, and the pages
read the same with them as without. On SQLite, `prepared()` changes nothing.
"""

import pytest
from django.db import connection
from django.urls import reverse

from results.models import BestMark, Discipline
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


# What a planner turns to on tables of a few rows only.
SIZED_PLANS = ["enable_seqscan", "enable_hashjoin", "enable_mergejoin"]


def whole_reads(node):
    """The plan's nodes that read a whole table or index: a scan with no condition on it."""
    found = []
    kind = node["Node Type"]
    by_index = kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
    if kind == "Seq Scan" or (by_index and "Index Cond" not in node):
        found.append(f"{kind} on {node.get('Relation Name') or node.get('Index Name')}")
    for child in node.get("Plans", ()):
        found += whole_reads(child)
    return found


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


@on_postgresql
def test_each_prepared_statement_is_planned_once_for_any_values_and_reads_indexes(
    client, perez, no_kept_statements
):
    walk = reverse("results:discipline", args=["20KW"])
    for page in [
        walk,
        walk + "?list=performances",
        walk + "?year_from=1996&year_to=1996",
        walk + "?country=ECU",
        perez.get_absolute_url(),
    ]:
        assert client.get(page).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, statement, cardinality(parameter_types), generic_plans, custom_plans "
            "FROM pg_prepared_statements"
        )
        kept = cursor.fetchall()
        assert kept
        for name, statement, parameters, generic, custom in kept:
            # The plan for any values, from the first run (archive/postgresql).
            assert custom == 0 and generic >= 1, name
            # Such a plan cannot use a partial index, nor know a value's frequency. Planned
            # again as at archive size (tables of a few test rows are read whole and hashed
            # otherwise), it must still read every table by a condition on an index.
            for setting in SIZED_PLANS:
                cursor.execute(f"SET {setting} = off")
            cursor.execute(f"PREPARE checked AS {statement}")
            try:
                values = ", ".join(["NULL"] * parameters)
                cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE checked({values})")
                plan = cursor.fetchone()[0]
            finally:
                cursor.execute("DEALLOCATE checked")
                for setting in SIZED_PLANS:
                    cursor.execute(f"RESET {setting}")
            assert not whole_reads(plan[0]["Plan"]), (statement, whole_reads(plan[0]["Plan"]))


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
