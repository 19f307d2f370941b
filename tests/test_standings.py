"""Every summary on the seed page is derived from results, never typed."""

import pytest
from django.core.paginator import Paginator

from results.models import Discipline, Result
from results.standings.athlete import athlete_results, podiums, rivals
from results.standings.bests import barrier_counts, personal_bests, season_bests
from results.standings.lists import performances, performers
from results.standings.medals import athlete_medals_by_championship, medals_by_nation

from .factories import AthleteFactory, EventFactory, ResultFactory

pytestmark = pytest.mark.django_db


def medals_of(perez):
    table = athlete_medals_by_championship(athlete_results(perez))
    return {row.subject.slug: (row.gold, row.silver, row.bronze) for row in table.rows}


def test_world_championship_and_olympic_medals_are_counted_from_results(perez):
    medals = medals_of(perez)
    assert medals["world-championships"] == (3, 1, 0)
    assert medals["olympic-games"] == (1, 1, 0)


def test_the_archive_shows_what_the_results_say_where_the_page_contradicts_itself(perez):
    # The page claims "2 x bronze" at the World Race Walking Cup, but its own podiums show
    # wins at Poděbrady 1997 and Naumburg 2004 and a bronze at Murcia 2008.
    assert medals_of(perez)["world-race-walking-cup"] == (2, 0, 1)
    assert medals_of(perez)["pan-american-games"] == (3, 0, 1)
    assert medals_of(perez)["world-u20-championships"] == (1, 0, 1)


def test_marks_under_one_hour_twenty_over_twenty_km_road(perez):
    results = athlete_results(perez)
    counts = {c.barrier.discipline.code: c for c in barrier_counts(perez, results)}
    assert counts["20KW"].count == 5
    assert counts["20KW"].best.mark_display == "1:17:21"
    assert counts["50KW"].count == 1
    assert counts["50KW"].best.mark_display == "3:53:04"


def test_personal_bests_road_and_track_apart_with_average_speed(perez):
    bests = personal_bests(athlete_results(perez))
    road = {pb.discipline.code: pb for pb in bests["road"]}
    track = {pb.discipline.code: pb for pb in bests["track"]}
    assert road["20KW"].result.mark_display == "1:17:21"
    assert str(road["20KW"].speed_kmh) == "15.514"
    assert road["20KW"].result.event.competition.year == 2003
    assert track["20000W"].result.mark_display == "1:20:54"
    assert str(track["20000W"].speed_kmh) == "14.833"
    assert {pb.result.mark_display for pb in track.values()} == {"18:46", "38:37", "1:20:54"}
    assert {pb.result.mark_display for pb in road.values()} == {"38:24", "1:17:21", "3:53:04"}


def test_progression_keeps_the_best_mark_of_each_season(perez):
    lines = {d.code: seasons for d, seasons in season_bests(athlete_results(perez))}
    assert [(year, best.result.mark_display) for year, best in lines["10000W"]] == [
        (1990, "40:08"),
        (1992, "40:42"),
        (1998, "38:37"),
    ]
    # Two 20 km road races in 2003 (Paris and Santo Domingo): the faster one counts.
    assert dict(lines["20KW"])[2003].result.mark_display == "1:17:21"


def test_a_podium_is_whole_and_keeps_a_tie(perez):
    by_competition = {
        result.event.competition.slug: podium for result, podium in podiums(athlete_results(perez))
    }
    osaka = by_competition["world-championships-2007"]
    assert [(r.place, r.athlete.family_name, r.mark_display) for r in osaka] == [
        (1, "Pérez", "1:22:20"),
        (2, "Fernández", "1:22:40"),
        (3, "Ghoula", "1:22:40"),
    ]


def test_rivals_count_meetings_and_who_finished_ahead(perez):
    met = {r.athlete.slug: r for r in rivals(perez)}
    fernandez = met["francisco-javier-fernandez"]
    assert (fernandez.meetings, fernandez.ahead, fernandez.behind) == (4, 3, 1)


def test_a_finisher_is_ahead_of_a_rival_who_did_not_finish(reference_data):
    event = EventFactory()
    walker, rival = AthleteFactory(), AthleteFactory()
    ResultFactory(event=event, athlete=walker, place=8)
    ResultFactory(
        event=event, athlete=rival, place=None, mark=None, status=Result.Status.DID_NOT_FINISH
    )
    (record,) = rivals(walker)
    assert (record.meetings, record.ahead, record.behind) == (1, 1, 0)


def test_nation_medal_table_counts_medals_for_the_nation_represented(perez):
    table = medals_by_nation()
    ecuador = next(row for row in table.rows if row.subject.code == "ECU")
    assert (ecuador.gold, ecuador.silver, ecuador.bronze) == (12, 3, 3)


def test_all_time_performers_list_one_row_per_athlete_ranked_with_ties(perez):
    walk = Discipline.objects.get(code="20KW")
    best_marks = list(performers(walk, "M"))
    assert best_marks[0].athlete.slug == "jefferson-perez"
    assert best_marks[0].mark_display == "1:17:21"
    assert len({r.athlete_id for r in best_marks}) == len(best_marks)
    every_mark = list(performances(walk, "M"))
    assert len(every_mark) > len(best_marks)
    tied = [r for r in every_mark if r.mark_display == "1:22:40"]
    assert len(tied) == 2 and tied[0].rank == tied[1].rank


def test_performers_keep_a_tie_rank_across_pages(reference_data):
    event = EventFactory()
    for mark in (4_700_000, 4_750_000, 4_750_000, 4_800_000):
        ResultFactory(event=event, place=None, mark=mark)
    walk = Discipline.objects.get(code="20KW")
    pages = Paginator(performers(walk, "M"), 2)
    assert pages.count == 4
    assert [r.rank for r in pages.page(1)] == [1, 2]
    assert [r.rank for r in pages.page(2)] == [2, 4]


def test_performers_counted_from_several_marks_each_keep_a_tie_rank_across_pages(
    reference_data,
):
    walk = Discipline.objects.get(code="20KW")
    marks = {"a": (4_700_000, 4_650_000), "b": (4_750_000,), "c": (4_750_000, 4_900_000)}
    marks["d"] = (4_800_000,)
    for athlete_marks in marks.values():
        athlete = AthleteFactory(sex="M")
        for mark in athlete_marks:
            ResultFactory(event=EventFactory(), athlete=athlete, place=None, mark=mark)
    # Counting a kind of marks kept apart too ranks each athlete's best of the marks counted.
    pages = Paginator(performers(walk, "M", include=("hand",)), 2)
    assert pages.count == 4
    assert [(r.rank, r.mark) for r in pages.page(1)] == [(1, 4_650_000), (2, 4_750_000)]
    assert [(r.rank, r.mark) for r in pages.page(2)] == [(2, 4_750_000), (4, 4_800_000)]


def test_nations_with_equal_medals_share_a_rank(perez):
    ranks = {row.subject.code: row.rank for row in medals_by_nation().rows}
    assert ranks["ECU"] == 1
    assert ranks["COL"] == ranks["GUA"] == ranks["TUN"] == 7


@pytest.mark.parametrize("limit", [None, 1, 2, 3, 50])
def test_the_archives_medal_tables_from_the_tallies_equal_those_counted(perez, limit):
    from results.standings.medals import medal_results, medals_by_athlete

    def rows(table):
        return [(row.subject.pk, row.gold, row.silver, row.bronze, row.rank) for row in table.rows]

    counted = medal_results().filter(result__isnull=False)  # narrowed by nothing, but counted
    assert rows(medals_by_nation(limit=limit)) == rows(medals_by_nation(counted, limit=limit))
    assert rows(medals_by_athlete(limit=limit)) == rows(medals_by_athlete(counted, limit=limit))
