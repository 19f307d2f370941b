"""
The read-only JSON API (/api/v1/): every endpoint answers what a client needs, in a fixed
number of queries whatever the archive holds; conditional GETs, throttling, bad input,
the OpenAPI schema and its documentation page.
"""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from athletes.models import Athlete, Sex
from results.caching import archive_changed
from results.models import Championship, Competition, Discipline, Event, Result
from results.standings.medals import medal_results, medals_by_athlete, medals_by_nation

from .conftest import PEREZ_FIXTURE
from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .helpers import delete_all_but_reference_data, grow_archive, load

RIVAL_FIXTURE = Path(__file__).parent / "data" / "rival-fernandez.json"

pytestmark = pytest.mark.django_db

API = "/api/v1/"

# One URL of each endpoint, in the archive as shipped (the `perez` fixture), and the number
# of queries it runs whatever the archive holds (the first is always the archive's version).
ENDPOINTS = {
    "index": (API, 1),
    "athlete-list": (API + "athletes/", 3),
    "athlete-list-filtered": (
        API + "athletes/?q=perez&sex=M&country=ECU&discipline=20KW&medallists=true",
        5,
    ),
    "athlete": (API + "athletes/jefferson-perez/", 6),
    "athlete-counting-wind": (API + "athletes/jefferson-perez/?include=wind&include=hand", 6),
    "competition-list": (API + "competitions/", 3),
    "competition-list-filtered": (
        API + "competitions/?championship=olympic-games&year_from=1990&year_to=2010&country=USA",
        5,
    ),
    "competition": (API + "competitions/olympic-games-1996/", 8),
    "event": (API + "competitions/world-championships-2007/20KW/m/final/", 5),
    "result-list": (API + "results/", 4),
    "result-list-filtered": (
        API + "results/?athlete=jefferson-perez&discipline=20KW&competition=olympic-games-1996"
        "&year=1996&sex=M&round=final&country=ECU",
        8,
    ),
    "result-list-years": (API + "results/?year_from=1990&year_to=2010&page=2&page_size=10", 4),
    "discipline-list": (API + "disciplines/", 3),
    "discipline": (API + "disciplines/20KW/", 2),
    "performers": (API + "disciplines/20KW/list/", 5),
    "performances": (API + "disciplines/20KW/list/?list=performances&page_size=10&page=2", 6),
    "season": (
        API + "disciplines/20KW/list/?list=performances&sex=M&year_from=1996&year_to=1996"
        "&country=ECU&include=wind",
        6,
    ),
    "championship-list": (API + "championships/", 3),
    "championship": (API + "championships/world-championships/", 7),
    "medals": (API + "medals/", 7),
    "medals-filtered": (
        API + "medals/?championship=olympic-games&sex=M&discipline=20KW&year_from=1990",
        7,
    ),
}


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == "application/json", url
    return response.json()


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


# Every endpoint, and what it costs --------------------------------------------------------------


@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_endpoint_runs_a_fixed_number_of_queries_whatever_the_archive_holds(
    client, perez, django_assert_num_queries, name
):
    url, queries = ENDPOINTS[name]
    with django_assert_num_queries(queries):
        get_json(client, url)
    grow_archive(perez)
    with django_assert_num_queries(queries):
        get_json(client, url)


def test_the_index_links_every_endpoint(client, reference_data):
    index = get_json(client, API)
    assert set(index) >= {
        "athletes",
        "competitions",
        "results",
        "disciplines",
        "championships",
        "medals",
        "schema",
        "docs",
    }
    for name, url in index.items():
        assert url.startswith("http://testserver/api/v1/"), name
        assert client.get(path_of(url)).status_code == 200, name


def test_every_object_links_its_api_address_and_its_public_page(client, perez):
    """Follow each `url` and `html_url` of the first rows of every list: each answers 200."""
    seen = set()
    for name in ["athlete-list", "competition-list", "discipline-list", "championship-list"]:
        rows = get_json(client, ENDPOINTS[name][0] + "?page_size=3")["results"]
        for row in rows:
            for key in ("url", "html_url"):
                path = path_of(row[key])
                assert client.get(path).status_code == 200, path
                seen.add(key)
    rows = get_json(client, API + "results/?page_size=3")["results"]
    for row in rows:
        for link in (row["event"]["url"], row["event"]["html_url"], row["athlete"]["url"]):
            assert client.get(path_of(link)).status_code == 200, link
    assert seen == {"url", "html_url"}


# What each endpoint says ------------------------------------------------------------------------


def test_the_athlete_list_filters_as_the_directory_does(client, perez):
    def names(url):
        return [row["name"] for row in get_json(client, url)["results"]]

    assert names(API + "athletes/?q=perez") == ["Jefferson Pérez"]
    spanish = names(API + "athletes/?country=ESP")
    assert "Francisco Javier Fernández" in spanish and "Jefferson Pérez" not in spanish
    AthleteFactory(family_name="Nomedal")
    everyone = names(API + "athletes/?page_size=200")
    medallists = names(API + "athletes/?medallists=true&page_size=200")
    assert any("Nomedal" in name for name in everyone)
    assert not any("Nomedal" in name for name in medallists)
    assert "Jefferson Pérez" in medallists
    row = get_json(client, API + "athletes/?q=perez")["results"][0]
    assert row["slug"] == "jefferson-perez"
    assert row["nation"]["code"] == "ECU"
    assert row["date_of_birth"] == "1974-07-01"
    assert row["sex"] == "M"


def test_the_athlete_lists_length_follows_every_athlete_added_and_deleted(client, perez):
    def count(query=""):
        return get_json(client, API + "athletes/" + query)["count"]

    total = Athlete.objects.count()
    assert count() == total
    newcomer = AthleteFactory(family_name="Newcomer")
    assert count() == total + 1 and count("?q=newcomer") == 1
    newcomer.delete()
    assert count() == total and count("?q=newcomer") == 0


def test_the_athlete_has_every_result_with_its_sources_personal_bests_and_medals(client, perez):
    athlete = get_json(client, API + "athletes/jefferson-perez/")
    assert athlete["name"] == "Jefferson Pérez"
    assert athlete["html_url"] == "http://testserver/athletes/jefferson-perez/"
    assert len(athlete["results"]) == Result.objects.filter(athlete=perez).count()
    years = [row["event"]["competition"]["year"] for row in athlete["results"]]
    assert years == sorted(years)
    atlanta = next(
        row
        for row in athlete["results"]
        if row["event"]["competition"]["slug"] == "olympic-games-1996"
    )
    assert atlanta["place"] == 1
    assert atlanta["medal"] == "gold"
    assert atlanta["mark_text"] == "1:20:07"
    assert atlanta["mark"] == 4_807_000
    assert atlanta["legal"] is True
    assert [source["slug"] for source in atlanta["sources"]] == ["walker-page-jefferson-perez"]
    road = {best["discipline"]["code"]: best for best in athlete["personal_bests"]["road"]}
    assert road["20KW"]["result"]["mark_text"] == "1:17:21"
    assert road["20KW"]["speed_kmh"] == 15.514
    assert road["50KW"]["result"]["mark_text"] == "3:53:04"
    medals = {row["championship"]["slug"]: row for row in athlete["medals"]}
    assert (medals["olympic-games"]["gold"], medals["olympic-games"]["silver"]) == (1, 1)
    assert medals["world-championships"]["total"] == 4
    assert sum(row["total"] for row in athlete["medals"]) == 17
    assert athlete["sources"][0]["slug"] == "walker-page-jefferson-perez"


def test_personal_bests_count_the_kinds_of_marks_the_client_includes(client, reference_data):
    sprinter = AthleteFactory()
    hundred = Discipline.objects.get(code="100")
    legal = EventFactory(discipline=hundred, competition=CompetitionFactory(year=2001))
    windy = EventFactory(discipline=hundred, competition=CompetitionFactory(year=2002))
    ResultFactory(event=legal, athlete=sprinter, place=1, mark=10_100, wind=Decimal("1.0"))
    ResultFactory(event=windy, athlete=sprinter, place=1, mark=9_900, wind=Decimal("3.1"))
    url = API + f"athletes/{sprinter.slug}/"
    best = get_json(client, url)["personal_bests"]["track"][0]
    assert best["result"]["mark_text"] == "10.10"
    assert best["apart"]["mark_text"] == "9.90"
    assert best["apart"]["flags"] == ["w"] and best["apart"]["legal"] is False
    assert best["apart"]["wind"] == 3.1
    best = get_json(client, url + "?include=wind")["personal_bests"]["track"][0]
    assert best["result"]["mark_text"] == "9.90" and best["apart"] is None


def test_a_result_carries_its_flags_wind_hand_indoor_and_altitude(client, reference_data):
    athlete = AthleteFactory()
    hundred = Discipline.objects.get(code="100")
    high = CompetitionFactory(year=2003, altitude_m=2240)
    hall = CompetitionFactory(year=2004, indoor=True)
    calm = CompetitionFactory(year=2005)
    rows = {
        "altitude": ResultFactory(
            event=EventFactory(competition=high, discipline=hundred),
            athlete=athlete,
            place=1,
            mark=10_050,
            wind=Decimal("0.4"),
        ),
        "indoor": ResultFactory(
            event=EventFactory(competition=hall, discipline=Discipline.objects.get(code="LJ")),
            athlete=athlete,
            place=1,
            mark=8_100,
        ),
        "hand": ResultFactory(
            event=EventFactory(competition=calm, discipline=hundred),
            athlete=athlete,
            place=1,
            mark=10_200,
            hand_timed=True,
            wind=Decimal("0.0"),
        ),
        "no-wind": ResultFactory(
            event=EventFactory(competition=calm, discipline=Discipline.objects.get(code="200")),
            athlete=athlete,
            place=1,
            mark=20_500,
        ),
    }
    listed = get_json(client, API + f"results/?athlete={athlete.slug}")["results"]
    by_year_and_code = {
        (row["event"]["competition"]["year"], row["event"]["discipline"]["code"]): row
        for row in listed
    }
    assert by_year_and_code[(2003, "100")]["flags"] == ["A"]
    assert by_year_and_code[(2003, "100")]["legal"] is True
    assert by_year_and_code[(2004, "LJ")]["flags"] == ["i"]
    assert by_year_and_code[(2005, "100")]["flags"] == ["h"]
    assert by_year_and_code[(2005, "100")]["hand_timed"] is True
    assert by_year_and_code[(2005, "100")]["mark_text"] == "10.2"
    assert by_year_and_code[(2005, "200")]["flags"] == ["nwi"]
    assert by_year_and_code[(2005, "200")]["wind"] is None
    assert all(row["legal"] is False for key, row in by_year_and_code.items() if key[0] > 2003)
    assert len(listed) == len(rows)


def test_a_result_without_a_mark_has_no_flags(client, reference_data):
    # A DNF at altitude: "A" flags a mark, and there is none.
    dnf = ResultFactory(
        event=EventFactory(
            competition=CompetitionFactory(altitude_m=2240),
            discipline=Discipline.objects.get(code="100"),
        ),
        place=None,
        mark=None,
        status=Result.Status.DID_NOT_FINISH,
    )
    listed = get_json(client, API + f"results/?athlete={dnf.athlete.slug}")["results"]
    assert [(row["status"], row["flags"]) for row in listed] == [("DNF", [])]


def test_the_result_list_filters_by_athlete_discipline_competition_year_sex_and_nation(
    client, perez
):
    def rows(query):
        return get_json(client, API + "results/?page_size=200&" + query)["results"]

    own = rows("athlete=jefferson-perez")
    assert len(own) == Result.objects.filter(athlete=perez).count()
    assert {row["athlete"]["slug"] for row in own} == {"jefferson-perez"}
    walks = rows("athlete=jefferson-perez&discipline=50KW")
    assert [row["mark_text"] for row in walks] == ["3:53:04"]
    atlanta = rows("competition=olympic-games-1996")
    assert [row["place"] for row in atlanta[:3]] == [1, 2, 3]
    assert atlanta[0]["event"]["competition"]["slug"] == "olympic-games-1996"
    assert {row["event"]["competition"]["year"] for row in rows("year=2007")} == {2007}
    seasons = {row["event"]["competition"]["year"] for row in rows("year_from=2003&year_to=2004")}
    assert seasons == {2003, 2004}
    assert {row["nation"] for row in rows("country=ESP")} == {"ESP"}
    assert rows("sex=W") == []
    newest_first = [row["event"]["competition"]["year"] for row in rows("country=ECU")]
    assert newest_first == sorted(newest_first, reverse=True)


def test_the_result_list_gives_each_events_finishers_before_those_who_did_not_finish(client, perez):
    event = Event.objects.get(competition__slug="world-championships-2007")
    ResultFactory(event=event, place=None, mark=None, status=Result.Status.DID_NOT_FINISH)
    # A finisher with a mark and no place (a sheet that gives none) comes after the places.
    ResultFactory(event=event, place=None, mark=5_400_000)

    listed = get_json(client, API + "results/?competition=world-championships-2007")["results"]

    assert [row["place"] for row in listed[:3]] == [1, 2, 3]
    assert [(row["status"], row["place"]) for row in listed[-2:]] == [("OK", None), ("DNF", None)]


def result_keys(client, query=""):
    """Each result the list gives, by its natural key, in the list's order."""
    rows = get_json(client, API + "results/?page_size=200&" + query)["results"]
    return [
        (
            row["event"]["competition"]["slug"],
            row["event"]["discipline"]["code"],
            row["event"]["sex"],
            row["event"]["round"],
            row["athlete"]["slug"],
        )
        for row in rows
    ]


def test_two_archives_holding_the_same_results_list_them_in_the_same_order(client, reference_data):
    load(RIVAL_FIXTURE, PEREZ_FIXTURE)
    rival_first = result_keys(client)
    delete_all_but_reference_data()
    archive_changed()

    load(PEREZ_FIXTURE, RIVAL_FIXTURE)

    assert result_keys(client) == rival_first
    assert len(rival_first) == Result.objects.count()


def test_the_result_list_gives_a_seasons_races_in_the_order_they_were_held(client, perez):
    walk = Discipline.objects.get(code="20KW")
    # Added last, held first: before Pérez's races of 2004 (Naumburg in May, Athens in August).
    spring = CompetitionFactory(year=2004, start_date=datetime.date(2004, 3, 6))
    early = EventFactory(competition=spring, discipline=walk, date=datetime.date(2004, 3, 6))
    ResultFactory(event=early, place=1, mark=4_900_000)
    # Two shared a place: the tie is listed by name, whichever row came first.
    zapata = ResultFactory(event=early, place=2, mark=4_950_000, athlete__family_name="Zapata")
    ResultFactory(event=early, place=2, mark=4_950_000, athlete__family_name="Abad")

    season = result_keys(client, "year=2004")

    assert season[0][0] == spring.slug
    assert [key[4] for key in season[1:3]] == [
        Athlete.objects.get(family_name="Abad").slug,
        zapata.athlete.slug,
    ]
    assert spring.slug not in {key[0] for key in season[3:]}


def test_the_competition_has_its_events_with_podiums_and_medal_table(client, perez):
    competition = get_json(client, API + "competitions/world-championships-2007/")
    assert competition["championship"]["slug"] == "world-championships"
    assert competition["nation"]["code"] == "JPN"
    (event,) = competition["events"]
    assert event["discipline"]["code"] == "20KW" and event["round"] == "final"
    podium = [(row["place"], row["athlete"]["name"], row["mark_text"]) for row in event["podium"]]
    assert podium == [
        (1, "Jefferson Pérez", "1:22:20"),
        (2, "Francisco Javier Fernández", "1:22:40"),
        (3, "Hatem Ghoula", "1:22:40"),
    ]
    assert all(row["sources"] for row in event["podium"])
    medals = {row["nation"]["code"]: row for row in competition["medals"]}
    assert medals["ECU"]["gold"] == 1 and medals["ESP"]["silver"] == 1
    assert medals["TUN"]["bronze"] == 1
    meeting = Competition.objects.filter(championship__isnull=True).first()
    assert get_json(client, API + f"competitions/{meeting.slug}/")["medals"] is None


def test_the_event_lists_every_result_in_sheet_order_with_ties_and_sources(client, perez):
    event = Event.objects.get(competition__slug="world-championships-2007")
    late = AthleteFactory(family_name="Laggard")
    ResultFactory(
        event=event, athlete=late, place=None, mark=None, status=Result.Status.DID_NOT_FINISH
    )
    sheet = get_json(client, API + "competitions/world-championships-2007/20KW/m/final/")
    assert sheet["title"] == "Men's 20 km race walk"
    assert sheet["html_url"] == "http://testserver" + event.get_absolute_url()
    rows = [
        (row["place"], row["athlete"]["slug"], row["status"], row["tied"])
        for row in sheet["results"]
    ]
    assert rows[:3] == [
        (1, "jefferson-perez", "OK", False),
        (2, rows[1][1], "OK", True),
        (3, rows[2][1], "OK", True),
    ]
    assert rows[-1] == (None, late.slug, "DNF", False)
    assert sheet["results"][-1]["mark_text"] == "" and sheet["results"][-1]["flags"] == []
    assert [source["slug"] for source in sheet["sources"]] == ["walker-page-jefferson-perez"]
    # The event's API address is the one its rows link to.
    assert (
        sheet["url"]
        == "http://testserver/api/v1/competitions/world-championships-2007/20KW/m/final/"
    )


def event_api_url(event):
    return reverse(
        "api:v1:event",
        kwargs={
            "slug": event.competition.slug,
            "code": event.discipline.code,
            "sex": event.sex.lower(),
            "round": event.round,
        },
    )


def test_a_mass_races_results_come_a_page_at_a_time_with_their_ties(
    client, mass_race, django_assert_num_queries
):
    url = event_api_url(mass_race)
    first = get_json(client, url)
    assert first["count"] == 7 and first["previous"] is None
    assert path_of(first["next"]) == url + "?page=2"
    assert [(row["place"], row["athlete"]["name"]) for row in first["results"]] == [
        (1, mass_race.results.get(place=1).athlete.name),
        (2, mass_race.results.get(place=2).athlete.name),
        (3, mass_race.results.get(place=3).athlete.name),
    ]
    # Third place's tie is with fourth, on the next page: both rows say so.
    assert first["results"][2]["tied"] is True
    with django_assert_num_queries(ENDPOINTS["event"][1]):
        second = get_json(client, url + "?page=2")
    assert [row["place"] for row in second["results"]] == [4, 5, 6]
    assert second["results"][0]["tied"] is True
    assert path_of(second["previous"]) == url and path_of(second["next"]) == url + "?page=3"
    last = get_json(client, url + "?page=last")
    assert [row["status"] for row in last["results"]] == ["DNF"] and last["next"] is None
    # The sources are the whole event's on every page.
    assert second["sources"] == first["sources"]


@pytest.mark.parametrize(("page", "status"), [("4", 404), ("9" * 40, 404), ("0", 400), ("x", 400)])
def test_an_event_page_past_the_end_is_404_and_a_junk_one_400(client, mass_race, page, status):
    answer = get_json(client, event_api_url(mass_race) + f"?page={page}", status=status)
    assert answer.get("detail") or answer["page"]


def test_disciplines_list_and_detail(client, reference_data):
    listing = get_json(client, API + "disciplines/?page_size=200")
    assert listing["count"] == Discipline.objects.count()
    codes = [row["code"] for row in listing["results"]]
    assert "20KW" in codes and "100" in codes
    walk = get_json(client, API + "disciplines/20KW/")
    assert walk["venue"] == "road" and walk["measure"] == "time" and walk["is_walk"] is True
    assert walk["lower_is_better"] is True and walk["distance_m"] == 20_000
    assert path_of(walk["list_url"]) == API + "disciplines/20KW/list/"
    assert get_json(client, API + "disciplines/100/")["wind_limit"] == 2.0


def test_the_all_time_lists_rank_performers_and_performances_as_the_page_does(client, perez):
    performers = get_json(client, API + "disciplines/20KW/list/")
    assert (performers["sex"], performers["list"], performers["include"]) == ("M", "performers", [])
    assert performers["discipline"]["code"] == "20KW"
    slugs = [row["athlete"]["slug"] for row in performers["results"]]
    assert len(slugs) == len(set(slugs)), "a performer appears once"
    first = performers["results"][0]
    assert (first["rank"], first["athlete"]["slug"], first["mark_text"]) == (
        1,
        "jefferson-perez",
        "1:17:21",
    )
    assert first["sources"] and first["event"]["competition"]["year"] == 2003
    performances = get_json(client, API + "disciplines/20KW/list/?list=performances&page_size=200")
    own = [row for row in performances["results"] if row["athlete"]["slug"] == "jefferson-perez"]
    assert len(own) > 1
    marks = [row["mark"] for row in performances["results"]]
    assert marks == sorted(marks)
    ranks = [row["rank"] for row in performances["results"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    season = get_json(
        client, API + "disciplines/20KW/list/?list=performances&year_from=2007&year_to=2007"
    )
    assert {row["event"]["competition"]["year"] for row in season["results"]} == {2007}
    # Ties share a rank: Osaka 2007's 1:22:40 for second and third.
    tied = [row["rank"] for row in season["results"] if row["mark_text"] == "1:22:40"]
    assert len(tied) == 2 and tied[0] == tied[1]


def test_a_later_page_of_a_list_keeps_its_ranks(client, perez):
    grow_archive(perez)
    whole = get_json(client, API + "disciplines/20KW/list/?list=performances&page_size=200")
    second = get_json(client, API + "disciplines/20KW/list/?list=performances&page_size=10&page=2")
    assert second["count"] == whole["count"]
    assert [row["rank"] for row in second["results"]] == [
        row["rank"] for row in whole["results"][10:20]
    ]
    assert path_of(second["previous"]).startswith(API + "disciplines/20KW/list/")
    assert "page=3" in second["next"]


def test_championships_list_and_detail_with_editions_and_medal_tables(client, perez):
    listing = get_json(client, API + "championships/?page_size=200")
    by_slug = {row["slug"]: row for row in listing["results"]}
    assert (
        by_slug["olympic-games"]["edition_count"]
        == Championship.objects.get(slug="olympic-games").editions.count()
    )
    assert listing["results"][0]["slug"] == "olympic-games"
    worlds = get_json(client, API + "championships/world-championships/")
    years = [edition["year"] for edition in worlds["editions"]]
    assert years == sorted(years, reverse=True) and 2007 in years
    nations = {row["nation"]["code"]: row for row in worlds["medals"]["by_nation"]}
    assert nations["ECU"]["gold"] == 3
    athletes = {row["athlete"]["slug"]: row for row in worlds["medals"]["by_athlete"]}
    assert athletes["jefferson-perez"]["gold"] == 3
    assert athletes["jefferson-perez"]["nation"]["code"] == "ECU"


def test_the_medal_tables_are_the_pages_with_the_same_filters(client, perez):
    tables = get_json(client, API + "medals/?sex=M&discipline=20KW")
    medals = medal_results().filter(sex=Sex.MEN, discipline__code="20KW")
    by_nation = [
        (row.subject.code, row.gold, row.silver, row.bronze, row.rank)
        for row in medals_by_nation(medals, limit=50).rows
    ]
    assert [
        (row["nation"]["code"], row["gold"], row["silver"], row["bronze"], row["rank"])
        for row in tables["by_nation"]
    ] == by_nation
    by_athlete = [(row.subject.slug, row.total) for row in medals_by_athlete(medals, limit=50).rows]
    assert [(row["athlete"]["slug"], row["total"]) for row in tables["by_athlete"]] == by_athlete
    assert get_json(client, API + "medals/?sex=W")["by_nation"] == []


# Pagination -------------------------------------------------------------------------------------


def test_lists_come_a_bounded_page_at_a_time(client, perez):
    first = get_json(client, API + "athletes/?page_size=5")
    assert len(first["results"]) == 5 and first["count"] == Athlete.objects.count()
    assert first["previous"] is None
    second = get_json(client, path_of(first["next"]))
    assert not {row["slug"] for row in first["results"]} & {
        row["slug"] for row in second["results"]
    }
    grow_archive(perez)
    capped = get_json(client, API + "athletes/?page_size=100000")
    assert len(capped["results"]) == 200
    last = get_json(client, API + "athletes/?page=last")
    assert last["next"] is None and last["results"]


# Conditional requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["athlete", "event", "medals", "performers", "result-list"])
def test_a_matching_etag_is_answered_304_having_read_only_the_version(
    client, perez, django_assert_num_queries, name
):
    url = ENDPOINTS[name][0]
    first = client.get(url)
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(1):
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # An edit moves the archive's version on: the old tag no longer matches.
    archive_changed()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_if_modified_since_is_answered_304_unless_the_archive_changed_since(client, perez):
    url = ENDPOINTS["athlete"][0]
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    long_ago = "Thu, 01 Jan 1970 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": long_ago}).status_code == 200


def test_with_the_page_cache_in_front_a_tag_still_holds_until_the_archive_changes(
    client, perez, settings
):
    url = ENDPOINTS["athlete"][0]
    fresh = client.get(url)
    settings.PAGE_CACHE = True
    cached = client.get(url)
    etag = cached["ETag"]
    assert client.get(url).json() == cached.json() == fresh.json()
    assert client.get(url)["Content-Type"] == "application/json"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    archive_changed()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


# Throttling -------------------------------------------------------------------------------------


@pytest.fixture
def rates(settings):
    """Rates low enough for a test to pass them: 3 a minute anonymous, 5 for an account."""

    def set_rates(anon="3/minute", user="5/minute"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
        }

    set_rates()
    return set_rates


def test_an_anonymous_client_past_its_rate_is_answered_429(client, reference_data, rates):
    url = API + "disciplines/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    # Every endpoint counts against the same client.
    assert client.get(API + "medals/").status_code == 429
    # A conditional GET is throttled too, before it reads anything.
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 429


def test_the_throttle_counts_each_address_apart_and_ignores_a_forged_forwarded_for(
    client, reference_data, rates
):
    url = API + "disciplines/"
    for _ in range(3):
        client.get(url, REMOTE_ADDR="203.0.113.7")
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert (
        client.get(url, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
        == 429
    )
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_an_editor_signed_in_has_the_accounts_rate(editor_client, rates):
    url = API + "disciplines/"
    statuses = [editor_client.get(url).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


# Bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("athletes/?country=XXX", "country", "Select a valid choice"),
        ("athletes/?sex=Q", "sex", "Select a valid choice"),
        ("athletes/?medallists=maybe", "medallists", "Select a valid choice"),
        ("athletes/?discipline=NOPE", "discipline", "Select a valid choice"),
        ("athletes/jefferson-perez/?include=luck", "include", "Select a valid choice"),
        ("competitions/?year_to=1e99", "year_to", "Enter a whole number."),
        ("competitions/?championship=nope", "championship", "Select a valid choice"),
        (f"competitions/?q={'x' * 60_000}", "q", "at most 200 characters"),
        ("results/?athlete=nobody", "athlete", "Select a valid choice"),
        ("results/?year=99999", "year", "less than or equal to 2200"),
        ("results/?round=sprint", "round", "Select a valid choice"),
        ("disciplines/20KW/list/?sex=X", "sex", "Select a valid choice"),
        ("disciplines/20KW/list/?list=best", "list", "Select a valid choice"),
        ("disciplines/20KW/list/?year_from=abc", "year_from", "Enter a whole number."),
        ("medals/?championship=nope", "championship", "Select a valid choice"),
        ("medals/?year_from=abc", "year_from", "Enter a whole number."),
        ("athletes/?page=abc", "page", "whole number"),
        ("athletes/?page=0", "page", "whole number"),
        ("results/?page_size=-1", "page_size", "whole number"),
        ("athletes/?q=%00", "q", "Null characters are not allowed."),
        ("medals/?sex=%00", "sex", "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_value_is_answered_400_naming_the_field(client, perez, url, field, message):
    errors = get_json(client, API + url, status=400)
    assert message in " ".join(errors[field]), errors


def test_no_tampered_parameter_of_any_endpoint_gives_a_server_error(client, perez):
    values = ["abc", "-1", "99999999999999999999", "\x00", "1'", "", "x" * 5000]
    parameters = [
        "q", "country", "sex", "discipline", "medallists", "include", "championship",
        "year_from", "year_to", "year", "athlete", "competition", "round", "list", "page",
        "page_size", "format",
    ]  # fmt: skip
    statuses = set()
    for url, _queries in ENDPOINTS.values():
        base = url.split("?")[0]
        for parameter in parameters:
            for value in values:
                response = client.get(base, {parameter: value})
                assert response.status_code < 500, (base, parameter, value)
                statuses.add(response.status_code)
    assert statuses >= {200, 400, 404}


def test_unknown_objects_are_a_json_404(client, perez):
    for url in [
        "athletes/nobody/",
        "competitions/nothing/",
        "competitions/olympic-games-1996/20KW/w/final/",
        "competitions/olympic-games-1996/20KW/m/heat/",
        "disciplines/NOPE/",
        "disciplines/NOPE/list/",
        "championships/nothing/",
        "athletes/?page=99999",
        # Addresses no API view matches answer in JSON too.
        "nothing/",
        "competitions/olympic-games-1996/20KW/X/final/",
    ]:
        assert get_json(client, API + url, status=404)["detail"], url
    assert client.get(API + "disciplines/%00/").status_code == 404
    assert client.get(API + "athletes/?format=xml").status_code == 404


def test_the_api_only_reads(client, perez):
    for url in [API + "athletes/", API + "athletes/jefferson-perez/"]:
        assert client.post(url, {"slug": "x"}).status_code == 405
        assert client.delete(url).status_code == 405
    assert Athlete.objects.filter(slug="jefferson-perez").exists()


def test_the_answer_is_json_whatever_the_client_accepts(client, reference_data):
    response = client.get(API + "disciplines/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


# The schema and its documentation ---------------------------------------------------------------


def test_the_schema_is_valid_openapi_and_describes_every_endpoint(client, reference_data):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = get_json_schema(client, API + "schema/")
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/athletes/",
        "/api/v1/athletes/{slug}/",
        "/api/v1/competitions/",
        "/api/v1/competitions/{slug}/",
        "/api/v1/competitions/{slug}/{code}/{sex}/{round}/",
        "/api/v1/results/",
        "/api/v1/disciplines/",
        "/api/v1/disciplines/{code}/",
        "/api/v1/disciplines/{code}/list/",
        "/api/v1/championships/",
        "/api/v1/championships/{slug}/",
        "/api/v1/medals/",
    } <= paths
    results = {p["name"] for p in schema["paths"]["/api/v1/results/"]["get"]["parameters"]}
    assert results >= {"athlete", "discipline", "competition", "year", "sex", "country", "page"}
    listing = {
        p["name"] for p in schema["paths"]["/api/v1/disciplines/{code}/list/"]["get"]["parameters"]
    }
    assert listing >= {"sex", "list", "include", "year_from", "year_to", "country", "page"}
    # An athlete without a photo has none: the schema says it may be null.
    photo = schema["components"]["schemas"]["AthleteDetail"]["properties"]["photo"]
    assert photo.get("nullable") is True and photo["format"] == "uri"
    as_yaml = client.get(API + "schema/?format=yaml")
    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content)["paths"].keys() == schema["paths"].keys()


def get_json_schema(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_the_documentation_page_loads_swagger_ui_from_the_site_with_no_inline_script(
    client, reference_data, settings
):
    response = client.get(API + "docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Open data API</h1>" in html
    assert 'id="swagger-ui"' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert len(scripts) == 2 and all("src=" in attributes for attributes in scripts)
    assert "<style" not in html and "style=" not in html
    # Swagger UI's files are the site's own static files (drf-spectacular-sidecar), no CDN.
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("swagger-ui-bundle.js" in source for source in sources)
    for source in sources:
        assert source.startswith(settings.STATIC_URL), source
        assert finders.find(source.removeprefix(settings.STATIC_URL)), source
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    (start_up,) = re.findall(r'<script src="([^"]+\?[^"]*script[^"]*)"', html)
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/v1/schema/"' in script.content.decode()


def test_the_api_starts_at_its_versions_and_the_sites_link_reaches_the_documentation(
    client, reference_data
):
    versions = get_json(client, "/api/")
    assert versions == {"v1": "http://testserver/api/v1/"}
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs/"
