"""The front door: written profiles first, then what is new, on this day and records."""

import datetime

import pytest
from django.utils import timezone

from athletes.models import Athlete, Country
from results.models import Competition

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .helpers import page_text, save_change


def home_text(client):
    response = client.get("/")
    assert response.status_code == 200
    return page_text(response)


def test_the_home_page_leads_with_perez_and_his_highlight(client, perez):
    response = client.get("/")
    featured = response.context["featured"]
    assert featured[0].athlete == perez
    assert featured[0].highlight == "Olympic Games 1996: gold"
    text = page_text(response)
    profiles = text.index("Athletes with full profiles")
    assert text.index("Jefferson Pérez", profiles) < text.index("Latest additions")
    assert "Olympic Games 1996: gold" in text


def test_only_athletes_with_a_written_profile_are_featured(client, perez):
    assert [item.athlete.slug for item in client.get("/").context["featured"]] == [perez.slug]


def test_an_editors_correction_shows_among_the_latest(editor_client, client, perez):
    borchin = Athlete.objects.get(slug="valery-borchin")
    assert save_change(editor_client, borchin, birthplace="Saransk").status_code == 302
    editor_client.logout()
    changes = client.get("/").context["changes"]
    assert (changes[0].name, changes[0].added) == ("Valery Borchin", False)
    assert "Valery Borchin corrected" in home_text(client)


def test_a_new_athlete_shows_as_added(client, perez):
    AthleteFactory(given_name="Nova", family_name="Walker", slug="nova-walker")
    changes = client.get("/").context["changes"]
    assert (changes[0].name, changes[0].added) == ("Nova Walker", True)


@pytest.fixture
def kinds_of_change(editor_client, perez):
    """A competition and a woman added, a man and a competition corrected, by an editor."""
    CompetitionFactory(name="Gran Premio Cantones 2009", year=2009)
    AthleteFactory(given_name="Nova", family_name="Walker", sex="W", slug="nova-walker")
    borchin = Athlete.objects.get(slug="valery-borchin")
    assert save_change(editor_client, borchin, birthplace="Saransk").status_code == 302
    atlanta = Competition.objects.get(slug="olympic-games-1996")
    assert save_change(editor_client, atlanta, city="Atlanta, Georgia").status_code == 302
    editor_client.logout()


def test_each_kind_of_change_is_told_on_the_home_page(client, kinds_of_change):
    text = home_text(client)
    assert " Gran Premio Cantones 2009 added " in text
    assert " Nova Walker added " in text
    assert " Valery Borchin corrected " in text
    assert " Olympic Games Atlanta 1996 corrected " in text


def test_each_kind_of_change_agrees_with_what_changed_in_spanish(client, kinds_of_change):
    # A competition ("la competencia") is "añadida", as a woman is; a man "añadido".
    text = page_text(client.get("/", headers={"Accept-Language": "es"}))

    assert " Gran Premio Cantones 2009 añadida " in text
    assert " Nova Walker añadida " in text
    assert " Valery Borchin corregido " in text
    assert " Olympic Games Atlanta 1996 corregida " in text


def test_on_this_day_lists_the_winners_and_birthdays_of_todays_date(client, perez):
    today = timezone.localdate()
    years_ago = today.replace(year=2001) if (today.month, today.day) != (2, 29) else today
    competition = CompetitionFactory(
        year=years_ago.year, start_date=years_ago, end_date=years_ago, name="Day Meeting 2001"
    )
    winner = AthleteFactory(given_name="Day", family_name="Winner", slug="day-winner")
    ResultFactory(event=EventFactory(competition=competition), athlete=winner, place=1)
    ResultFactory(event=EventFactory(competition=competition, round="heat"), place=2)
    born = AthleteFactory(
        given_name="Birthday", family_name="Walker", slug="birthday-walker", date_of_birth=years_ago
    )
    other_day = years_ago - datetime.timedelta(days=1)
    AthleteFactory(given_name="Other", family_name="Day", slug="other-day", date_of_birth=other_day)
    context = client.get("/").context["on_this_day"]
    assert [result.athlete for result in context["winners"]] == [winner]
    assert list(context["birthdays"]) == [born]
    text = home_text(client)
    assert "2001: Day Winner" in text and "Birthday Walker" in text


def test_nothing_on_this_day_says_so(client, perez):
    # None of Pérez's races has a full date in the shipped data, nor any birthday.
    context = client.get("/").context["on_this_day"]
    if not context["winners"] and not context["birthdays"]:
        assert "No result or birthday in the archive falls on this day." in home_text(client)


def test_the_latest_records_are_listed_latest_first(client, perez):
    result_2020, result_2024 = (
        ResultFactory(event=EventFactory(competition=CompetitionFactory(year=year)), place=1)
        for year in (2020, 2024)
    )
    result_2020.records = "OR"
    result_2020.save()
    result_2024.records = "WR"
    result_2024.save()
    assert client.get("/").context["records"][:2] == [result_2024, result_2020]


def test_a_record_is_labelled_once_as_it_stands_now(client, perez):
    text = home_text(client)
    records = text[text.index("Latest records") :]
    # Pérez's 1:17:21 of 2000 was a world record, beaten since: "ex-WR", and no "WR" beside.
    assert "1:17:21 ex-WR 20 km race walk: Jefferson Pérez" in records


@pytest.mark.parametrize("photo", [False])
def test_a_profile_without_a_photo_shows_initials(client, perez, photo):
    assert not perez.photo
    html = client.get("/").content.decode()
    assert 'class="profile-card-photo profile-card-initials" aria-hidden="true">JP<' in html


def test_the_sitemap_covers_events_with_lastmod(client, perez):
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-events.xml" in index and "<lastmod>" in index
    events = client.get("/sitemap-events.xml").content.decode()
    assert "/competitions/olympic-games-1996/20KW/m/final/</loc><lastmod>" in events
    athletes = client.get("/sitemap-athletes.xml").content.decode()
    assert "/athletes/jefferson-perez/</loc><lastmod>" in athletes
    pairs = client.get("/sitemap-head-to-head.xml").content.decode()
    assert "/athletes/jefferson-perez/versus/francisco-javier-fernandez/</loc>" in pairs


def test_what_a_fixture_load_brought_shows_as_added(client, perez):
    changes = client.get("/").context["changes"]
    assert changes and all(change.added for change in changes)


def test_the_home_page_runs_the_same_queries_on_a_day_with_races_or_without(client, perez):
    from .helpers import count_queries

    def home():
        return client.get("/")

    without = count_queries(home)
    today = timezone.localdate()
    day = today.replace(year=2001) if (today.month, today.day) != (2, 29) else today
    competition = CompetitionFactory(year=day.year, start_date=day, end_date=day)
    ResultFactory(event=EventFactory(competition=competition), place=1)
    assert client.get("/").context["on_this_day"]["winners"]
    assert count_queries(home) == without


def test_on_this_day_a_heats_winner_is_no_winner_and_a_winner_shows_the_nation_won_for(
    client, perez
):
    today = timezone.localdate()
    years_ago = today.replace(year=1988) if (today.month, today.day) != (2, 29) else today
    competition = CompetitionFactory(year=1988, name="Games 1988")
    soviet, russia = Country.objects.get(code="URS"), Country.objects.get(code="RUS")
    champion = AthleteFactory(given_name="Olga", family_name="Final", country=russia)
    final = EventFactory(competition=competition, date=years_ago)
    ResultFactory(event=final, athlete=champion, country=soviet, place=1)
    heat = EventFactory(
        competition=competition,
        discipline=final.discipline,
        sex=final.sex,
        round="heat",
        date=years_ago,
    )
    ResultFactory(
        event=heat, athlete=AthleteFactory(given_name="Hana", family_name="Heat"), place=1
    )

    on_this_day = home_text(client).split("On this day", 1)[1].split("Latest records", 1)[0]

    assert "1988: Olga Final URS" in on_this_day
    assert "Hana Heat" not in on_this_day
