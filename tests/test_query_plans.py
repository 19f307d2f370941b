"""
The all-time lists read the indexes meant for them, whatever the archive holds: the query
planner is asked (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) for the queries of
each list, and each must name its index rather than scan a table.
"""

import pytest
from django.db import connection

from athletes.models import Athlete
from results.models import Championship, Discipline, ListedMark
from results.standings.lists import (
    best_mark_progression,
    marks_kept_apart,
    performances,
    performers,
)
from results.standings.medals import medal_counts, medal_results

pytestmark = pytest.mark.django_db

# What each list reads, of which discipline, and the index its first query must use.
LISTS = {
    "performers": (lambda d: performers(d, "M")[0:100], "20KW", "best_mark_list_idx"),
    "performances": (lambda d: performances(d, "M")[0:100], "20KW", "listed_mark_list_idx"),
    "kept apart": (lambda d: marks_kept_apart(d, "M"), "100", "listed_mark_apart_idx"),
    # Each mark kept apart against its athlete's own, from the index alone.
    "kept apart, against the athlete's own": (
        lambda d: marks_kept_apart(d, "M", one_per_athlete=True),
        "100",
        "COVERING INDEX listed_mark_athlete_idx"
        if connection.vendor == "sqlite"
        else "listed_mark_athlete_idx",
    ),
    "progression": (lambda d: best_mark_progression(d, "M"), "20KW", "listed_mark_year_idx"),
    "a nation's performers": (
        lambda d: performers(d, "M", ListedMark.objects.filter(country__code="ECU"))[0:100],
        "20KW",
        "listed_mark_nation_idx",
    ),
}


def plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        # Statistics of an almost empty table would favour a scan: ask for the plan an
        # archive of millions gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("name", LISTS)
def test_a_list_reads_its_index(perez, name):
    read, code, index = LISTS[name]
    sql, params = first_query(read, Discipline.objects.get(code=code))
    chosen = plan(sql, params)
    if connection.vendor == "sqlite":
        assert index in chosen, sql
    else:
        # On a test database of a few rows PostgreSQL's costs cannot tell the table's
        # indexes apart: the plan must read one of them (directly or through a bitmap), by
        # discipline, not scan.
        table = "results_bestmark" if index.startswith("best") else "results_listedmark"
        reads = ("Index Scan using", "Index Only Scan using", "Bitmap Index Scan on")
        assert any(read in chosen for read in reads), chosen
        assert f"Seq Scan on {table}" not in chosen, chosen
        assert "discipline_id" in chosen, chosen


def first_query(read, discipline):
    """The SQL and parameters of the first query `read` runs, as the driver receives them."""
    calls = []

    def record(execute, sql, params, many, context):
        calls.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        read(discipline)
    return calls[0]


@pytest.mark.parametrize(
    "group_by, index",
    [
        ("country_id", "medal_championship_nation_idx"),
        ("athlete_id", "medal_championship_athlete_idx"),
    ],
)
def test_a_championships_medal_table_reads_its_index(perez, group_by, index):
    """Every year of one championship: a range of its index, never every medal's row."""
    olympics = Championship.objects.get(slug="olympic-games")
    medals = medal_results().filter(championship=olympics)
    calls = []
    with connection.execute_wrapper(
        lambda execute, *call: calls.append(call[:2]) or execute(*call)
    ):
        medal_counts(medals, group_by, limit=50)
    # The first query asks the archive's version (the query cache's key): the count follows.
    sql, params = next((sql, params) for sql, params in calls if "results_medal" in sql)
    chosen = plan(sql, params)
    if connection.vendor == "sqlite":
        assert f"COVERING INDEX {index}" in chosen, chosen
    else:
        assert "Seq Scan on results_medal" not in chosen, chosen
        assert "championship_id" in chosen, chosen


@pytest.mark.parametrize("query", ["perez", "jefferson pérez", "müller", "chepng'etich"])
def test_athlete_search_reads_the_words_index(perez, query):
    """Each typed word (and its passport spelling) is a range of the words' index: the
    athletes' table is read by key only, whatever the archive holds."""
    sql, params = Athlete.objects.search(query)[:20].query.sql_with_params()
    chosen = plan(sql, params)
    if connection.vendor == "sqlite":
        assert "COVERING INDEX sqlite_autoindex_athletes_searchword_1" in chosen, chosen
        assert "SCAN athletes_" not in chosen and "SCAN U0" not in chosen, chosen
    else:
        assert "Seq Scan on athletes_searchword" not in chosen, chosen
        assert "Seq Scan on athletes_athlete" not in chosen, chosen
