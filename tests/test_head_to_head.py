"""
The head-to-head page of two athletes: every race both ran with who finished ahead, the
tally overall and by discipline with each one's personal best, the link from the profile's
rivals table, the form that picks another rival, 404s and a fixed number of queries.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from athletes.models import Athlete, Country, Sex
from results.caching import archive_changed
from results.models import Discipline, Event, Result
from results.standings.athlete import rivals

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .helpers import count_queries, load, page_text, text_of

pytestmark = pytest.mark.django_db

RIVAL_FIXTURE = Path(__file__).parent / "data" / "rival-fernandez.json"
FERNANDEZ = "francisco-javier-fernandez"
URL = f"/athletes/jefferson-perez/versus/{FERNANDEZ}/"

# The shipped archive holds four races of both: three world titles of Pérez with Fernández
# second, and Fernández's win at Murcia 2008, Pérez's last race. Fernández's own file adds
# Munich 2002, which Pérez did not walk.
SHIPPED_RACES = [
    "2003 IAAF World Championships Paris 2003 20 km race walk Final "
    "1 1:17:21 ex-WR 2 1:18:00 Pérez",
    "2005 IAAF World Championships Helsinki 2005 20 km race walk Final 1 1:18:35 2 1:19:36 Pérez",
    "2007 IAAF World Championships Osaka 2007 20 km race walk Final 1 1:22:20 2 1:22:40 Pérez",
    "21 Sep 2008 World Race Walking Cup Murcia 2008 20 km race walk Final "
    "3 1:24:35 1 1:23:14 Fernández",
]


@pytest.fixture
def fernandez(perez):
    load(RIVAL_FIXTURE)
    return Athlete.objects.get(slug=FERNANDEZ)


def race(year, discipline="20KW", day=None):
    """A men's final in `year`, in Spain, named for the year so its row reads plainly."""
    competition = CompetitionFactory(
        championship=None,
        name=f"Meeting {year}",
        year=year,
        country=Country.objects.get(code="ESP"),
    )
    return EventFactory(
        competition=competition,
        discipline=Discipline.objects.get(code=discipline),
        date=day or datetime.date(year, 6, 1),
    )


def result(event, athlete, place=None, mark=None, status=Result.Status.FINISHED):
    return ResultFactory(
        event=event, athlete=athlete, country=athlete.country, place=place, mark=mark, status=status
    )


@pytest.fixture
def more_races(perez, fernandez):
    """
    Five more races of both, one for each way a race can end between two athletes: on the
    track (Fernández ahead), a DNF (the finisher is ahead), a disqualification against a
    finisher known only by his mark (the finisher is ahead), both disqualified and both
    without a place (neither is ahead).
    """
    track = race(2001, "10000W")
    result(track, fernandez, place=1, mark=2_350_000)  # 39:10
    result(track, perez, place=2, mark=2_360_000)
    dq_against_mark = race(2002)
    result(dq_against_mark, perez, mark=4_900_000)
    result(dq_against_mark, fernandez, status=Result.Status.DISQUALIFIED)
    dnf = race(2004)
    result(dnf, perez, status=Result.Status.DID_NOT_FINISH)
    result(dnf, fernandez, place=5, mark=4_750_000)
    both_out = race(2006)
    result(both_out, perez, status=Result.Status.DISQUALIFIED)
    result(both_out, fernandez, status=Result.Status.DISQUALIFIED)
    no_places = race(2006, day=datetime.date(2006, 9, 1))
    no_places.competition.name = "Autumn Meeting 2006"
    no_places.competition.save()
    result(no_places, perez, mark=4_800_000)
    result(no_places, fernandez, mark=4_790_000)


def race_rows(response):
    """The visible text of each row of the page's table of races, in order."""
    races = response.content.decode().split('id="races"', 1)[1].split("</section>", 1)[0]
    body = re.search(r"<tbody>(.*?)</tbody>", races, re.S).group(1)
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def discipline_rows(response):
    """The visible text of each row of the table by discipline, its footer last."""
    table = response.content.decode().split('id="by-discipline"', 1)[1].split("</section>", 1)[0]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]


def test_perez_v_fernandez_shows_every_race_both_ran_and_who_finished_ahead(client, fernandez):
    response = client.get(URL)
    assert response.status_code == 200
    assert race_rows(response) == SHIPPED_RACES
    text = page_text(response)
    assert " Pérez 3 – 1 Fernández in 4 races together. " in text
    assert "Munich" not in text


def test_the_tally_counts_wins_by_discipline_with_each_ones_personal_best(client, fernandez):
    rows = discipline_rows(client.get(URL))
    assert rows == [
        "20 km race walk (Road) 4 3 1 1:17:21 ex-WR (2003) 1:18:00 (2003)",
        "All disciplines 4 3 1",
    ]


def test_every_way_a_race_ends_names_the_right_athlete_ahead(client, fernandez, more_races):
    response = client.get(URL)
    assert race_rows(response) == [
        "1 Jun 2001 Meeting 2001 10 000 m race walk Final 2 39:20 1 39:10 Fernández",
        "1 Jun 2002 Meeting 2002 20 km race walk Final 1:21:40 DQ Pérez",
        SHIPPED_RACES[0],
        "1 Jun 2004 Meeting 2004 20 km race walk Final DNF 5 1:19:10 Fernández",
        SHIPPED_RACES[1],
        "1 Jun 2006 Meeting 2006 20 km race walk Final DQ DQ neither",
        "1 Sep 2006 Autumn Meeting 2006 20 km race walk Final 1:20:00 1:19:50 neither",
        *SHIPPED_RACES[2:],
    ]
    text = page_text(response)
    assert " Pérez 4 – 3 Fernández in 9 races together; neither finished ahead in 2. " in text
    # Track and road apart, road first; Pérez's track best is his 38:37 at Bergen in 1998.
    assert discipline_rows(response) == [
        "20 km race walk (Road) 8 4 2 1:17:21 ex-WR (2003) 1:18:00 (2003)",
        "10 000 m race walk (Track and field) 1 0 1 38:37 (1998) 39:10 (2001)",
        "All disciplines 9 4 3",
    ]


def test_the_page_agrees_with_the_rivals_table(client, perez, fernandez, more_races):
    (row,) = [rival for rival in rivals(perez) if rival.athlete == fernandez]
    text = page_text(client.get(URL))
    assert f" Pérez {row.ahead} – {row.behind} Fernández in {row.meetings} races together" in text


def test_the_rivals_table_links_each_rival_to_the_head_to_head(client, fernandez):
    profile = client.get("/athletes/jefferson-perez/").content.decode()
    rivals_table = profile.split('id="rivals"', 1)[1].split("</section>", 1)[0]
    assert f'href="{URL}"' in rivals_table
    assert 'href="/athletes/jefferson-perez/versus/jared-tallent/"' in rivals_table
    # Each link says which rival it compares with to a screen reader, not only "head to head".
    assert 'aria-label="head to head with Francisco Javier Fernández"' in rivals_table
    assert client.get(URL).status_code == 200


def test_the_head_to_head_is_read_from_either_side(client, fernandez):
    response = client.get(f"/athletes/{FERNANDEZ}/versus/jefferson-perez/")
    assert " Fernández 1 – 3 Pérez in 4 races together. " in page_text(response)
    assert race_rows(response)[0] == (
        "2003 IAAF World Championships Paris 2003 20 km race walk Final 2 1:18:00 1 1:17:21 ex-WR "
        "Pérez"
    )


def test_athletes_who_never_met_get_a_page_that_says_so(client, perez):
    stranger = AthleteFactory(given_name="Ann", family_name="Nobody", sex=Sex.WOMEN)
    response = client.get(reverse("athletes:head-to-head", args=[perez.slug, stranger.slug]))
    assert response.status_code == 200
    assert "The archive holds no race that both ran." in page_text(response)
    assert 'id="races"' not in response.content.decode()


def test_namesakes_are_told_apart_by_their_full_names(client, perez):
    namesake = AthleteFactory(given_name="Carlos", family_name="Pérez", slug="carlos-perez")
    met = race(2001)
    result(met, perez, place=1, mark=4_800_000)
    result(met, namesake, place=2, mark=4_810_000)
    text = page_text(client.get(reverse("athletes:head-to-head", args=[perez.slug, namesake.slug])))
    assert " Jefferson Pérez 1 – 0 Carlos Pérez in 1 race together. " in text


@pytest.mark.parametrize(
    "url",
    [
        "/athletes/jefferson-perez/versus/jefferson-perez/",
        "/athletes/jefferson-perez/versus/nobody/",
        f"/athletes/nobody/versus/{FERNANDEZ}/",
        "/athletes/nobody/versus/no-one/",
    ],
)
def test_the_same_athlete_twice_or_an_unknown_one_is_not_found(client, fernandez, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_form_goes_straight_to_the_one_athlete_matching(client, fernandez):
    response = client.get("/athletes/jefferson-perez/versus/jared-tallent/?rival=fernandez")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_the_form_lists_the_athletes_when_several_match(client, fernandez):
    response = client.get(URL + "?rival=j")
    assert response.status_code == 200
    html = response.content.decode()
    matches = html.split('id="matches"', 1)[1].split("</section>", 1)[0]
    assert 'href="/athletes/jefferson-perez/versus/jared-tallent/"' in matches
    assert f'href="{URL}"' in matches
    # Pérez is never offered against himself, and the comparison on show stays.
    assert "versus/jefferson-perez/" not in matches
    assert race_rows(response) == SHIPPED_RACES
    assert 'value="j"' in html


def test_the_form_says_when_no_other_athlete_matches(client, fernandez):
    text = page_text(client.get(URL + "?rival=jefferson"))
    assert "No other athlete matches “jefferson”." in text


@pytest.mark.parametrize(
    "query",
    [
        "rival=%00",
        "rival=" + "x" * 5000,
        "rival=%E2%80%8B",
        "rival=%ff%fe",
        "rival=a&rival=b",
        "rival=%3Cscript%3Ealert(1)%3C/script%3E",
        "rival[]=x&page=-1&order=%00",
    ],
)
def test_junk_in_the_query_string_never_causes_a_server_error(client, fernandez, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def grow(perez, fernandez, races=30, field_size=20):
    """Thirty more races of both, each with a field of twenty: bulk-created, so it is quick."""
    walk = Discipline.objects.get(code="20KW")
    country = Country.objects.get(code="ESP")
    others = Athlete.objects.bulk_create(
        Athlete(
            slug=f"walker-{index}",
            given_name="Walker",
            family_name=f"Number {index}",
            sex=Sex.MEN,
            country=country,
        )
        for index in range(field_size)
    )
    results = []
    for index in range(races):
        competition = CompetitionFactory(year=1970 + index, country=country)
        event = Event.objects.create(competition=competition, discipline=walk, sex=Sex.MEN)
        for place, athlete in enumerate([perez, fernandez, *others], start=1):
            results.append(
                Result(
                    event=event,
                    athlete=athlete,
                    country=athlete.country,
                    place=place,
                    mark=4_700_000 + place * 1000,
                )
            )
    Result.objects.bulk_create(results)
    archive_changed()


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_archive_holds(
    client, perez, fernandez
):
    def page(url):
        assert client.get(url).status_code == 200

    listing = URL + "?rival=j"
    assert count_queries(page, URL) == 2
    assert count_queries(page, listing) == 3
    grow(perez, fernandez)
    assert "Pérez 33 – 1 Fernández in 34 races together" in page_text(client.get(URL))
    assert count_queries(page, URL) == 2
    assert count_queries(page, listing) == 3
