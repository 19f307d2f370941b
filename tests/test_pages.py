"""
Every public page renders for the shipped archive and for an empty one, runs a fixed
number of SQL queries whatever the archive holds, and never answers junk input with a 500.
"""

import csv
import html
import io
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Athlete
from results.models import Championship, Claim, Event, Result

from .factories import (
    AthleteFactory,
    CompetitionFactory,
    CountryFactory,
    EventFactory,
    ResultFactory,
    SourceFactory,
)
from .helpers import count_queries, grow_archive, page_html, page_text, public_pages

pytestmark = pytest.mark.django_db

# The number of queries each kind of public page runs, whatever the size of the archive
# (a cached medal table still reads the archive's version: see results.caching).
QUERIES = {
    "home": 11,
    "athlete-list": 4,
    "athlete": 9,
    "country-list": 3,
    "country": 9,
    "competition-list": 4,
    "competition": 7,
    "event": 3,
    "championship-list": 1,
    "championship": 10,
    "discipline-list": 1,
    "discipline": 6,
    "discipline-performances": 6,
    "medals": 8,
    "search": 4,
    "head-to-head": 2,
}
# Each public page and the number of queries it runs: every kind of page, then the pages
# with the filters and orders they read, and the files for crawlers.
PAGES = {
    **{url: QUERIES[name] for name, url in public_pages().items()},
    "/athletes/?q=perez&sex=M&country=ECU&discipline=20KW&medallists=on": 6,
    "/athletes/jefferson-perez/?order=mark": 9,
    "/competitions/?championship=olympic-games&year_from=1990&year_to=2010&country=USA": 6,
    "/disciplines/20KW/?list=performances&sex=M&year_from=1990&country=ECU": 7,
    "/medals/?championship=olympic-games&sex=M&discipline=20KW&year_from=1990": 10,
    "/sitemap.xml": 12,
    "/sitemap-athletes.xml": 3,
    "/sitemap-events.xml": 3,
    "/sitemap-head-to-head.xml": 3,
    "/robots.txt": 0,
}


def assert_page_runs(client, url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("url", PAGES)
def test_page_runs_a_fixed_number_of_queries_whatever_the_archive_holds(
    client, perez, django_assert_num_queries, url
):
    assert_page_runs(client, url, PAGES[url], django_assert_num_queries)
    grow_archive(perez)
    assert_page_runs(client, url, PAGES[url], django_assert_num_queries)


# What each kind of list page says while the archive holds nothing at all.
NOTHING_YET = {
    "home": "No profile has been written yet.",
    "athlete-list": "No athletes match yet.",
    "country-list": "No medals recorded yet.",
    "competition-list": "No competitions match yet.",
    "championship-list": "No championships in the archive yet.",
    "discipline-list": "No disciplines in the archive yet.",
    "medals": "No medals recorded yet.",
    "search": "Nothing in the archive matches",
}


@pytest.mark.parametrize(("page", "message"), NOTHING_YET.items())
def test_an_empty_archive_says_nothing_is_there_yet(client, bare_database, page, message):
    response = client.get(public_pages()[page])
    assert response.status_code == 200
    assert message in page_html(response)


def test_reference_pages_of_an_archive_without_results_say_so(client, reference_data):
    competition = CompetitionFactory()
    athlete = AthleteFactory()
    event = EventFactory(competition=competition)
    pages = {
        athlete.get_absolute_url(): "No results recorded yet for this athlete.",
        competition.get_absolute_url(): "No podium recorded.",
        event.get_absolute_url(): "No results recorded yet for this event.",
        reverse("results:discipline", args=["20KW"]): "No marks recorded yet in this discipline.",
        reverse("results:championship", args=["olympic-games"]): "No editions recorded yet.",
        reverse("athletes:country", args=["ECU"]): "No athletes of this nation in the archive yet.",
    }
    for url, message in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert message in response.content.decode(), url


# Every fact of the seed page, as the profile must show it.
SEED_FACTS = [
    # Who he is.
    "Jefferson Pérez",
    "Ecuador",
    "1 July 1974",
    "Cuenca",
    # The biography and its stories.
    "On July 26, 1996 in Atlanta",
    "85,000 spectators",
    "Ilya Markov",
    "Bernardo Segura",
    "youngest Olympic champion",
    "first gold medalist in Ecuador's history",
    "cathedral in Quito",
    "If God wills it and I become Olympic Champion",
    "460 km pilgrimage",
    "between 2,500 m and 4,800 m",
    "collective memory",
    "Luis Chocho",
    "Chocodrome",
    "fighting spirit of a warrior",
    "bronze medal in the 10 km walk at the 1990 World Junior Athletics Championships in Plovdiv",
    "Seoul 1992",
    "At the 2000 Sydney Olympics, he placed 4th",
    "2004 Athens Games",
    "14 seconds behind the Russian Valery Borchin",
    "three successive World Athletics Championships",
    "remains the only Olympic medalist in athletics",
    "21 September 2008",
    "My heart tells me to keep going but I feel that my body will not be able to handle",
    "disadvantaged young Ecuadorians",
    "Holder of the dual titles of IAAF World champion & World record holder",
    # Memories.
    "My victory in the 20 km at the Olympic Games in Atlanta",
    "Achieving a double victory at the World Championships in Paris",
    "My silver medal at the Beijing 2008 Olympic Games",
    # Podiums: rivals, nations and marks.
    "Valery Borchin",
    "Jared Tallent",
    "Francisco Javier Fernández",
    "Roman Rasskazov",
    "Juan Molina",
    "Hatem Ghoula",
    "Daniel Garcia",
    "Robert Korzeniowski",
    "Nathan Deakes",
    "Julio Martinez",
    "Alejandro Lopez",
    "Rolando Saquipay",
    "Gustavo Restrepo",
    "1:20:07",
    "1:20:16",
    "1:20:23",
    "1:19:01",
    "1:19:15",
    "1:19:42",
    "1:17:21",
    "1:18:00",
    "1:18:07",
    "1:18:35",
    "1:19:36",
    "1:19:44",
    "1:22:20",
    "1:22:40",
    "1:23:34",
    "1:24:19",
    "1:24:31",
    "1:18:42",
    "1:19:02",
    "1:19:11",
    "1:23:14",
    "1:24:02",
    "1:24:35",
    "1:20:17",
    "1:20:28",
    "1:20:46",
    "1:22:53",
    "1:22:56",
    "1:23:50",
    "1:23:06",
    "1:23:31",
    "1:24:33",
    "1:22:08",
    "1:23:28",
    "1:24:51",
    "ex-WR",
    "my last competition",
    # Performance tables and personal bests, with average speeds.
    "18:46",
    "Xalapa",
    "38:24",
    "15.625",
    "Kraków",
    "International Racewalking Event",
    "38:37",
    "15.537",
    "Bergen",
    "International Racewalking competition",
    "40:08",
    "14.95",
    "40:42",
    "14.742",
    "1:18:24",
    "15.306",
    "Poděbrady",
    "15.27",
    "Helsinki",
    "1:20:54",
    "14.833",
    "1:22:54",
    "14.475",
    "Cali",
    "Central American Championships",
    "3:53:04",
    "12.872",
    "Athens",
    "15.514",
    "Winnipeg",
    "Mar del Plata",
    "Santo Domingo",
    "Rio de Janeiro",
    "Naumburg",
    "Murcia",
    "Osaka",
    "Seville",
    "Beijing",
    "Sydney",
    # Derived summaries.
    "5 performances: 20 km race walk under 1:20:00",
    "1 performance: 50 km race walk under 4:00:00",
    # The video of the 1996 final and the source.
    "https://www.belgianwalkingassociation.com/en/reports-race-walking/?country_id=13",
    "Jefferson Pérez: race results &amp; historic",
]


def test_the_profile_shows_every_fact_of_the_seed_page(client, perez):
    response = client.get(perez.get_absolute_url())
    text = page_text(response)
    raw = response.content.decode()
    missing = [fact for fact in SEED_FACTS if fact not in text and fact not in raw]
    assert not missing, f"missing from the profile: {missing}"


def test_the_profile_shows_places_without_marks(client, perez):
    text = page_text(client.get(perez.get_absolute_url() + "?order=date"))
    assert re.search(r"Olympic Games Sydney 2000 Sydney AUS 4 ", text)
    assert re.search(r"Olympic Games Athens 2004 Athens GRE 4 ", text)


def test_a_profile_row_shows_a_race_not_finished_and_an_undated_one_by_year(client, reference_data):
    walker = AthleteFactory(given_name="Ana", family_name="Walker", date_of_birth=None)
    undated = CompetitionFactory(name="Cup of the Lakes", city="Lugano", year=1999)
    ResultFactory(
        athlete=walker,
        event=EventFactory(competition=undated),
        place=None,
        mark=None,
        status=Result.Status.DID_NOT_FINISH,
        note="fell at 15 km",
    )
    text = page_text(client.get(walker.get_absolute_url()))
    assert re.search(r" 1999 Cup of the Lakes Lugano [A-Z]{3} DNF fell at 15 km ", text), text


def test_the_profile_medal_table_is_derived_from_results(client, perez):
    text = page_text(client.get(perez.get_absolute_url()))
    assert "Olympic Games 1 1 0 2" in text
    assert "World Championships 3 1 0 4" in text
    assert "Total 12 2 3 17" in text


# The claims of the seed page that its own results contradict, as the note words them.
CONTRADICTED = {
    5: "2 bronze medals at the World Race Walking Cup; the results give 1.",
    10: "14 championship medals; the results give 17.",
    11: "7 performances under 1:20:00 in the 20 km race walk; the results give 5.",
}


def test_editors_see_the_claims_the_results_contradict(editor_client, perez):
    response = editor_client.get(perez.get_absolute_url())
    text, raw = page_text(response), response.content.decode()
    assert "Sources contradicted by the results" in text
    for position, figures in CONTRADICTED.items():
        assert (
            "Jefferson Pérez – “Jefferson Pérez: race results & historic” says " + figures
        ) in text
        pk = Claim.objects.get(athlete=perez, position=position).pk
        assert f'href="{reverse("admin:results_claim_change", args=[pk])}"' in raw
    correct = Claim.objects.get(athlete=perez, position=1)
    assert reverse("admin:results_claim_change", args=[correct.pk]) not in raw
    # The claims change no figure of the page.
    assert "Total 12 2 3 17" in text


def test_visitors_see_no_note_on_claims(client, perez):
    response = client.get(perez.get_absolute_url())
    text, raw = page_text(response), response.content.decode()
    assert "Sources contradicted by the results" not in text
    assert "the results give" not in text
    assert "/admin/results/claim/" not in raw


def test_users_without_the_claims_permission_see_no_note(client, perez, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="walk-20km-1996")
    client.force_login(reader)
    text = page_text(client.get(perez.get_absolute_url()))
    assert "Sources contradicted by the results" not in text


def test_the_editors_note_runs_a_fixed_number_of_queries(editor_client, perez):
    def open_profile():
        assert editor_client.get(perez.get_absolute_url()).status_code == 200

    few = count_queries(open_profile)
    grow_archive(perez)
    assert count_queries(open_profile) == few


def test_the_osaka_podium_shows_the_tie_for_second(client, perez):
    text = page_text(client.get("/competitions/world-championships-2007/"))
    assert (
        "1 Jefferson Pérez ECU 1:22:20 2 Francisco Javier Fernández ESP 1:22:40 "
        "3 Hatem Ghoula TUN 1:22:40" in text
    )


def test_event_page_lists_finishers_then_dnf_and_shows_ties(client, perez):
    event = Event.objects.get(competition__slug="world-championships-2007")
    late = AthleteFactory(family_name="Laggard")
    ResultFactory(
        event=event,
        athlete=late,
        place=None,
        mark=None,
        status=Result.Status.DID_NOT_FINISH,
        note="cramp at <35 km>",
    )
    response = client.get(event.get_absolute_url())
    text = page_text(response)
    assert "1 Jefferson Pérez ECU 1:22:20" in text
    assert "2 Francisco Javier Fernández ESP 1:22:40 =" in text
    assert "3 Hatem Ghoula TUN 1:22:40 =" in text
    assert text.index("Ghoula") < text.index("Laggard")
    # The unfinished race: its status spelt out, its row greyed, the note as typed.
    assert '<tr class="unfinished"><td class="num"><abbr title="Did not finish">DNF</abbr>' in (
        page_html(response)
    )
    assert "cramp at &lt;35 km&gt;" in response.content.decode()


def test_a_mass_race_is_listed_a_page_at_a_time_with_ties_across_pages(
    client, mass_race, django_assert_num_queries
):
    url = mass_race.get_absolute_url()
    first = page_text(client.get(url))
    assert "Full results, 1–3 of 7" in first
    assert "Page 1 of 3" in first
    assert "Cole" in first and "Dean" not in first
    # Third place's tie is with fourth, on the next page: both show it.
    assert "1:20:20 =" in first
    with django_assert_num_queries(QUERIES["event"]):
        second = client.get(url, {"page": 2})
    second = page_text(second)
    assert "Full results, 4–6 of 7" in second
    assert "Dean" in second and "Ford" in second and "Cole" not in second
    assert "1:20:20 =" in second
    last = page_text(client.get(url, {"page": 3}))
    assert "Full results, 7–7 of 7" in last and "DNF" in last


# A final's sheet: three share third place with one mark (two of them namesakes, told
# apart by their slugs), two did not finish. As the data lists them, by name after place.
SHARED_THIRD = [
    ("Bell", "bell", 1, 4_800_000),
    ("Cole", "cole", 2, 4_810_000),
    ("Abad", "ana-abad", 3, 4_820_000),
    ("Abad", "ana-abad-1990", 3, 4_820_000),
    ("Zapata", "zapata", 3, 4_820_000),
    ("Luna", "luna", None, None),
    ("Mora", "mora", None, None),
]


def athlete_slugs(html):
    """The athletes a page links to, each once, in the page's order."""
    return list(dict.fromkeys(re.findall(r'href="/athletes/([^/"]+)/"', html)))


@pytest.mark.parametrize("inserted", [SHARED_THIRD, SHARED_THIRD[::-1]], ids=["listed", "reversed"])
def test_a_shared_place_is_listed_by_name_whichever_row_was_added_first(
    client, reference_data, inserted
):
    event = EventFactory(round=Event.Round.FINAL)
    for family_name, slug, place, mark in inserted:
        status = Result.Status.FINISHED if place else Result.Status.DID_NOT_FINISH
        athlete = AthleteFactory(given_name="Ana", family_name=family_name, slug=slug)
        ResultFactory(event=event, athlete=athlete, place=place, mark=mark, status=status)
    listed = [slug for _, slug, _, _ in SHARED_THIRD]

    page = client.get(event.get_absolute_url())
    assert athlete_slugs(page.content.decode()) == listed
    assert page_text(page).count("1:20:20 =") == 3
    api = client.get(reverse("api:v1:event", kwargs=event_api_keys(event))).json()
    assert [row["athlete"]["slug"] for row in api["results"]] == listed
    download = client.get(event.get_absolute_url(), {"format": "csv"}).content.decode()
    assert athlete_slugs_in_csv(download) == listed
    podium = client.get(event.competition.get_absolute_url()).content.decode()
    assert athlete_slugs(podium) == listed[:5]


def event_api_keys(event):
    return {
        "slug": event.competition.slug,
        "code": event.discipline.code,
        "sex": event.sex.lower(),
        "round": event.round,
    }


def athlete_slugs_in_csv(text):
    rows = csv.DictReader(io.StringIO(text))
    return [urlsplit(row["athlete_url"]).path.split("/")[2] for row in rows]


@pytest.mark.parametrize(
    ("page", "shown"),
    [("abc", "1–3"), ("0", "1–3"), ("-2", "1–3"), ("99", "7–7"), ("9" * 40, "7–7")],
)
def test_a_junk_or_out_of_range_result_page_gives_the_nearest_page(client, mass_race, page, shown):
    response = client.get(mass_race.get_absolute_url(), {"page": page})
    assert response.status_code == 200
    assert f"Full results, {shown} of 7" in page_text(response)


def test_a_mass_races_download_holds_every_page(client, mass_race):
    response = client.get(mass_race.get_absolute_url(), {"page": 2, "format": "csv"})
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 1 + 7
    assert "Ames" in lines[1] and "Laggard" in lines[-1]


def test_a_field_that_fits_one_page_shows_no_page_links(client, mass_race, monkeypatch):
    monkeypatch.setattr("results.standings.events.RESULTS_PER_PAGE", 7)
    text = page_text(client.get(mass_race.get_absolute_url()))
    assert "Full results " in text and "of 7" not in text and "Page 1" not in text


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("/medals/?year_from=abc", "Enter a whole number."),
        ("/medals/?championship=nope", "Select a valid choice."),
        ("/competitions/?year_to=1e99", "Enter a whole number."),
        ("/competitions/?country=XXX", "Select a valid choice."),
        ("/athletes/?country=XXX&sex=Q", "Select a valid choice."),
        ("/disciplines/20KW/?sex=X", "Select a valid choice."),
        ("/disciplines/20KW/?year_from=99999", "less than or equal to 2200"),
        ("/disciplines/20KW/?year_from=2010&year_to=1990", "end (1990) before they start (2010)"),
        ("/medals/?year_from=2010&year_to=1990", "end (1990) before they start (2010)"),
        ("/competitions/?year_from=2010&year_to=1990", "end (1990) before they start (2010)"),
        # SQLite refuses a LIKE pattern over 50,000 bytes.
        (f"/competitions/?q={'x' * 60_000}", "at most 200 characters"),
    ],
)
def test_a_bad_filter_value_shows_the_form_error_and_never_a_500(client, perez, url, error):
    response = client.get(url)
    assert response.status_code == 200
    assert error in page_html(response)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/disciplines/20KW/?country=USA", "No marks in this discipline match the filter."),
        ("/disciplines/20KW/?year_from=2009", "No marks in this discipline match the filter."),
        ("/medals/?year_from=2010", "No medals match the filter."),
    ],
)
def test_a_filter_that_keeps_nothing_says_so_not_that_nothing_is_recorded(
    client, perez, url, message
):
    text = page_text(client.get(url))
    assert message in text
    assert "recorded yet" not in text


@pytest.mark.parametrize(
    ("page", "shown"), [("0", 1), ("-1", 1), ("abc", 1), ("2", 2), ("99", 3), ("9" * 40, 3)]
)
def test_a_list_page_out_of_range_or_junk_shows_the_nearest_page(
    client, reference_data, monkeypatch, page, shown
):
    monkeypatch.setattr("results.views.CompetitionList.paginate_by", 2)
    for year in range(2001, 2006):
        CompetitionFactory(year=year)
    response = client.get("/competitions/", {"page": page})
    assert response.status_code == 200
    assert f"Page {shown} of 3" in page_text(response)


def test_the_directorys_length_is_kept_not_counted_and_follows_every_change(client, perez):
    def caption(url):
        with CaptureQueriesContext(connection) as queries:
            text = page_text(client.get(url))
        counted = any("COUNT(" in q["sql"] and "athletes_athlete" in q["sql"] for q in queries)
        return re.search(r"[\d,]+ athletes?\b", text).group(), counted

    total = Athlete.objects.count()
    # The whole directory reads its length from the kept count, not from every athlete.
    assert caption("/athletes/") == (f"{total} athletes", False)
    newcomer = AthleteFactory(country=perez.country)
    assert caption("/athletes/") == (f"{total + 1} athletes", False)
    # A filtered directory is counted over the athletes the filter keeps.
    ecuadorians = Athlete.objects.filter(country=perez.country).count()
    assert caption("/athletes/?country=ECU") == (f"{ecuadorians} athletes", True)
    newcomer.delete()
    assert caption("/athletes/") == (f"{total} athletes", False)


@pytest.mark.parametrize(
    "url",
    [
        "/athletes/?page=abc",
        "/athletes/?page=99999",
        "/competitions/?page=-1",
        "/search/?q=" + "x" * 5000,
        "/search/?q=%00",
        "/disciplines/20KW/?page=0",
        "/athletes/?q=%E2%80%8B",
    ],
)
def test_junk_query_strings_never_cause_a_server_error(client, perez, url):
    assert client.get(url).status_code == 200


def test_unknown_pages_are_a_friendly_404(client, perez):
    for url in [
        "/athletes/nobody/",
        "/competitions/nothing/",
        "/countries/XYZ/",
        "/disciplines/NOPE/",
        "/competitions/olympic-games-1996/20KW/x/final/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()


def test_search_finds_athletes_competitions_and_disciplines(client, perez):
    text = page_text(client.get("/search/?q=perez"))
    assert "Jefferson Pérez" in text
    text = page_text(client.get("/search/?q=atlanta"))
    assert "Olympic Games Atlanta 1996" in text
    text = page_text(client.get("/search/?q=race walk"))
    assert "20 km race walk" in text


def test_directory_filters_by_name_nation_and_medallists(client, perez):
    text = page_text(client.get("/athletes/?q=perez"))
    assert "Pérez, Jefferson" in text and "Markov" not in text
    text = page_text(client.get("/athletes/?country=ESP"))
    assert "Fernández, Francisco Javier" in text and "Pérez" not in text
    AthleteFactory(family_name="Nomedal")
    text = page_text(client.get("/athletes/?medallists=on"))
    assert "Nomedal" not in text and "Pérez, Jefferson" in text


def test_athletes_are_in_alphabetical_order_accents_and_capitals_aside(client, perez):
    # Bytes would put Álvarez and Ñúñez after Zapata, and "de la Cruz" after them all.
    nation = CountryFactory()
    for number, family in enumerate(("Zapata", "Ñúñez", "de la Cruz", "Álvarez", "Ortiz")):
        AthleteFactory(
            given_name="Anabel", family_name=family, slug=f"anabel-{number}", country=nation
        )
    expected = ["Álvarez", "de la Cruz", "Ñúñez", "Ortiz", "Zapata"]

    def order(url):
        text = page_text(client.get(url))
        return sorted(expected, key=text.index)

    assert order(f"/athletes/?country={nation.code}") == expected
    assert order("/athletes/?q=anabel") == expected
    assert order(f"/countries/{nation.code}/") == expected
    assert order("/search/?q=anabel") == expected
    api = client.get(f"/api/v1/athletes/?country={nation.code}").json()
    assert [row["family_name"] for row in api["results"]] == expected


def test_sitemap_and_robots_point_at_public_pages(client, perez):
    assert b"/athletes/jefferson-perez/" in client.get("/sitemap-athletes.xml").content
    robots = client.get("/robots.txt").content.decode()
    assert "sitemap.xml" in robots and "admin" not in robots
    assert "Disallow: /language/" in robots and "Disallow: /corrections/" in robots


def test_a_cached_medal_table_shows_an_editors_change_on_the_next_request(client, perez):
    assert "Ecuador" in page_text(client.get("/medals/"))
    olympics = Championship.objects.get(slug="olympic-games")
    olympics.awards_medals = False
    olympics.save()
    text = page_text(client.get("/medals/?championship=olympic-games"))
    assert "No medals match the filter." in text
    ecuador = re.search(r"Ecuador (\d+) (\d+) (\d+) (\d+)", page_text(client.get("/medals/")))
    assert ecuador.groups() == ("11", "2", "3", "16")


def test_the_server_error_page_renders_without_a_request_or_database():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Something went wrong" in page and "/static/css/archive.css" in page


def test_names_are_escaped_in_the_rows_written_in_python(client, perez):
    """The rows of lists and profiles are written by template tags, escaping as Django does."""
    walk = Event.objects.filter(discipline__code="20KW").select_related("competition").first()
    competition = walk.competition
    competition.name = 'Meeting <b>"Zürich"</b> & Co'
    competition.save()
    walker = AthleteFactory(slug="ana-oneil", given_name="<i>Ana</i>", family_name="O'Neil & Co")
    ResultFactory(event=walk, athlete=walker, place=30, mark=5_400_000)
    for url in ("/disciplines/20KW/?list=performances", walker.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Meeting &lt;b&gt;&quot;Zürich&quot;&lt;/b&gt; &amp; Co" in html
        assert "<b>" not in html and "<i>Ana" not in html
    html = client.get("/disciplines/20KW/?list=performances").content.decode()
    assert "&lt;i&gt;Ana&lt;/i&gt; O&#x27;Neil &amp; Co</a>" in html


def test_names_are_escaped_in_a_profiles_podiums_and_rivals(client, reference_data):
    """A profile's podiums, rivals and progression are written by template tags too."""
    event = EventFactory(competition__name='Meeting <b>"Zürich"</b> & Co')
    markup = AthleteFactory(slug="ana-oneil", given_name="<i>Ana</i>", family_name="O'Neil & Co")
    rival = AthleteFactory(slug="bea-ruiz", given_name="Bea", family_name="Ruiz")
    ResultFactory(event=event, athlete=markup, place=1, mark=5_400_000)
    ResultFactory(event=event, athlete=rival, place=2, mark=5_460_000)
    html = client.get(rival.get_absolute_url()).content.decode()
    name = "&lt;i&gt;Ana&lt;/i&gt; O&#x27;Neil &amp; Co"
    podiums = html.split('id="podiums"', 1)[1].split("</section>", 1)[0]
    rivals = html.split('id="rivals"', 1)[1].split("</section>", 1)[0]
    progression = html.split('id="progression"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/athletes/ana-oneil/">{name}</a>' in podiums
    assert f'<a href="/athletes/ana-oneil/">{name}</a>' in rivals
    assert f'aria-label="head to head with {name}"' in rivals
    assert "Meeting &lt;b&gt;&quot;Zürich&quot;&lt;/b&gt; &amp; Co</a>" in progression
    assert "<i>Ana" not in html and "<b>" not in html


def test_a_heat_is_told_from_the_final_on_the_profile_and_in_the_lists(client, perez):
    final = Result.objects.filter(athlete=perez, event__round="final").first().event
    heat = EventFactory(
        competition=final.competition, discipline=final.discipline, sex="M", round="heat"
    )
    ResultFactory(event=heat, athlete=perez, place=1, mark=4_600_000)

    profile = page_text(client.get(perez.get_absolute_url()))
    name = final.competition.name
    assert f"{name} (heat)" in profile
    performances = page_text(
        client.get(f"/disciplines/{final.discipline.code}/", {"list": "performances"})
    )
    assert f"{name} (heat)" in performances


def test_a_heat_comes_before_its_final_on_the_profile_and_after_it_on_the_competition(client):
    athlete = AthleteFactory()
    final = EventFactory(date=None, round="final")
    rounds = {
        name: EventFactory(
            competition=final.competition,
            discipline=final.discipline,
            sex=final.sex,
            date=None,
            round=name,
        )
        for name in ("semi", "heat", "qualification")
    }
    rounds["final"] = final
    for place, name in enumerate(("final", "semi", "heat", "qualification"), start=1):
        ResultFactory(event=rounds[name], athlete=athlete, place=place)

    profile = client.get(athlete.get_absolute_url()).content.decode()
    results = profile.split('id="results"', 1)[1].split("</section>", 1)[0]
    shown = [results.index(f"({label})") for label in ("qualification", "heat", "semi-final")]
    assert shown == sorted(shown)
    assert shown[-1] < results.rindex(final.competition.name)

    competition = client.get(final.competition.get_absolute_url()).content.decode()
    shown = sorted(rounds, key=lambda name: competition.index(rounds[name].get_absolute_url()))
    assert shown == ["final", "semi", "heat", "qualification"]


def test_the_highlights_keep_the_editors_order_each_named_by_its_kind(client, perez):
    profile = client.get(perez.get_absolute_url()).content.decode()
    section = profile.split('id="highlights"', 1)[1].split("</section>", 1)[0]
    kinds = re.findall(r'<p class="highlight-kind">([^<]+)</p>', section)
    titles = re.findall(r"<h3>([^<]+)</h3>", section)

    highlights = list(perez.highlights.order_by("position"))
    assert kinds == [str(highlight.get_kind_display()) for highlight in highlights]
    assert titles == [html.escape(highlight.title) for highlight in highlights]
    assert "Quote</h3>" not in section  # a kind is a label, not a heading over the rest


def test_a_personal_best_names_its_venue_in_either_language(client, perez):
    for language, header in (("en", "Venue"), ("es", "Lugar")):
        page = client.get(perez.get_absolute_url(), headers={"Accept-Language": language})
        bests = page.content.decode().split('id="personal-bests"', 1)[1].split("</thead>", 1)[0]
        assert f'<th scope="col">{header}</th>' in bests
        assert '<th scope="col">Place</th>' not in bests and "Puesto" not in bests


def test_the_profile_lists_the_sources_its_results_cite_as_well_as_its_own(client, perez):
    sheet = SourceFactory(title="Official result sheet, Osaka 2007")
    perez.results.order_by("pk").first().sources.add(sheet)

    profile = client.get(perez.get_absolute_url()).content.decode()
    sources = profile.split('id="sources"', 1)[1].split("</section>", 1)[0]

    assert "Official result sheet, Osaka 2007" in sources
    for source in perez.sources.all():
        assert html.escape(source.title) in sources
    assert sources.count("<li>") == perez.sources.count() + 1
