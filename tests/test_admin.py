"""
Editors at work: results typed or pasted as sources print them, validated row by row,
saved all or nothing, and every change recorded in the admin history.
"""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.urls import reverse

from athletes.models import Alias, Athlete, Country
from results.models import Competition, Event, Result
from results.roles import EDITORS

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(reference_data):
    user = User.objects.create_user("editor", password="walk-20-km", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def result_counts():
    return Result.objects.count(), Athlete.objects.count()


def test_the_editors_group_can_curate_the_archive_but_not_people(reference_data):
    codes = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    assert {"add_result", "change_athlete", "delete_competition", "view_source"} <= codes
    assert not {"add_user", "change_user", "view_group"} & codes


def test_an_editor_adds_a_result_with_a_typed_mark_and_it_is_in_the_history(editor_client):
    event = EventFactory()
    athlete = AthleteFactory()
    response = editor_client.post(
        reverse("admin:results_result_add"),
        {
            "event": event.pk,
            "athlete": athlete.pk,
            "place": 1,
            "mark": "1 h 17' 21\"",
            "status": "OK",
            "records": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    result = Result.objects.get()
    assert result.mark == 4_641_000
    assert result.country == athlete.country  # the nation defaults to the athlete's
    assert LogEntry.objects.filter(object_id=str(result.pk), action_flag=1).exists()


def test_an_editor_cannot_open_the_user_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def event_form(event, rows):
    """The Event change form as the admin posts it, with `rows` in the results inline."""
    data = {
        "competition": event.competition_id,
        "discipline": event.discipline_id,
        "sex": event.sex,
        "round": event.round,
        "date": event.date.isoformat() if event.date else "",
        "video_url": "",
        "results-TOTAL_FORMS": len(rows),
        "results-INITIAL_FORMS": 0,
        "results-MIN_NUM_FORMS": 0,
        "results-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        defaults = {
            "status": "OK",
            "records": "",
            "note": "",
            "country": "",
            "mark": "",
            "place": "",
            "wind": "",
            "event": event.pk,
        }
        for field, value in {**defaults, **row}.items():
            data[f"results-{index}-{field}"] = value
    return data


def post_results(client, event, rows):
    return client.post(
        reverse("admin:results_event_change", args=[event.pk]), event_form(event, rows)
    )


@pytest.fixture
def race(reference_data):
    return EventFactory(date=datetime.date(2003, 8, 23), competition=CompetitionFactory(year=2003))


def test_inline_rows_are_saved_with_marks_read_for_the_discipline(editor_client, race):
    first, second = AthleteFactory(), AthleteFactory()
    response = post_results(
        editor_client,
        race,
        [
            {"place": 1, "athlete": first.pk, "mark": "1 h 17' 21\""},
            {
                "place": 2,
                "athlete": second.pk,
                "mark": "1:18:00",
                "country": Country.objects.get(code="ESP").pk,
            },
        ],
    )
    assert response.status_code == 302
    marks = dict(race.results.values_list("athlete_id", "mark"))
    assert marks == {first.pk: 4_641_000, second.pk: 4_680_000}
    assert race.results.get(athlete=second).country.code == "ESP"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([{"place": 1, "mark": "1 h 17'' 21'' 5"}], "Row 1, mark:"),
        ([{"place": 1, "mark": "17:21"}], "Row 1, mark: “17:21” is not a valid mark"),
        (
            [{"place": 1, "mark": "1:17:21"}, {"place": 1, "mark": "1:17:40"}],
            "Row 2, place: Place 1 is also given in row 1 with a different mark",
        ),
        ([{"status": "DNF", "place": 4}], "Row 1, place: Only a finished result has a place."),
    ],
)
def test_a_rejected_row_names_row_and_field_and_saves_nothing(editor_client, race, rows, expected):
    for row in rows:
        row["athlete"] = AthleteFactory().pk
    before = result_counts()
    response = post_results(editor_client, race, rows)
    assert response.status_code == 200
    assert expected in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert result_counts() == before


def test_an_athlete_entered_twice_is_refused(editor_client, race):
    athlete = AthleteFactory()
    response = post_results(
        editor_client,
        race,
        [
            {"place": 1, "athlete": athlete.pk, "mark": "1:17:21"},
            {"place": 2, "athlete": athlete.pk, "mark": "1:18:21"},
        ],
    )
    assert "Row 2, athlete:" in response.content.decode()
    assert "is already entered in row 1" in response.content.decode()
    assert not Result.objects.exists()


def test_two_winners_with_equal_marks_are_a_tie(editor_client, race):
    response = post_results(
        editor_client,
        race,
        [
            {"place": 1, "athlete": AthleteFactory().pk, "mark": "1:17:21"},
            {"place": 1, "athlete": AthleteFactory().pk, "mark": "1:17:21"},
        ],
    )
    assert response.status_code == 302
    assert race.results.filter(place=1).count() == 2


def test_an_event_before_the_athletes_birth_is_refused(editor_client, race):
    young = AthleteFactory(date_of_birth=datetime.date(2005, 1, 1))
    response = post_results(
        editor_client, race, [{"place": 1, "athlete": young.pk, "mark": "1:20:00"}]
    )
    assert "The event took place before the athlete&#x27;s birth." in response.content.decode()
    assert not Result.objects.exists()


PASTED = """1. Jefferson Pérez (EC) 1 h 20' 07"
2  Ilya MARKOV  RUS  1:20:16
3 SEGURA Bernardo MEX 1:20:23
4. Newcomer Walker (GUA) 1:21:00
DNF Daniel Garcia (MEX)"""


@pytest.fixture
def empty_final(perez):
    competition = CompetitionFactory(year=2001, country=Country.objects.get(code="CAN"))
    return EventFactory(competition=competition)


def test_pasting_a_result_list_previews_matches_and_new_athletes(editor_client, empty_final):
    url = reverse("admin:results_event_paste", args=[empty_final.pk])
    response = editor_client.post(url, {"lines": PASTED, "preview": "1"})
    assert response.status_code == 200
    formset = response.context["formset"]
    rows = [form.initial for form in formset.forms]
    assert [row["athlete"] for row in rows] == [
        "jefferson-perez",
        "ilya-markov",
        "bernardo-segura",
        "",
        "daniel-garcia",
    ]
    assert [row["nation"] for row in rows] == ["EC", "RUS", "MEX", "GUA", "MEX"]
    assert [row["mark"] for row in rows][:4] == ["1 h 20' 07\"", "1:20:16", "1:20:23", "1:21:00"]
    assert rows[4]["status"] == "DNF" and rows[4]["place"] is None
    assert not Result.objects.filter(event=empty_final).exists()


def preview_post(response):
    """The preview form posted back as the editor leaves it."""
    formset = response.context["formset"]
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        for field, value in form.initial.items():
            if field == "include":
                if value:
                    data[f"form-{index}-include"] = "on"
            else:
                data[f"form-{index}-{field}"] = "" if value is None else value
    data["save"] = "1"
    return data


def test_saving_a_pasted_list_creates_every_row_and_the_new_athlete(editor_client, empty_final):
    url = reverse("admin:results_event_paste", args=[empty_final.pk])
    data = preview_post(editor_client.post(url, {"lines": PASTED, "preview": "1"}))
    response = editor_client.post(url, data)
    assert response.status_code == 302
    results = {r.athlete.slug: r for r in empty_final.results.select_related("athlete", "country")}
    assert results["jefferson-perez"].mark == 4_807_000
    assert results["jefferson-perez"].country.code == "ECU"
    assert results["newcomer-walker"].country.code == "GUA"
    assert results["daniel-garcia"].status == "DNF"
    assert len(results) == 5
    assert LogEntry.objects.filter(object_repr__contains="Newcomer").exists()


def test_a_bad_pasted_row_saves_nothing(editor_client, empty_final):
    url = reverse("admin:results_event_paste", args=[empty_final.pk])
    data = preview_post(editor_client.post(url, {"lines": PASTED, "preview": "1"}))
    data["form-2-mark"] = "1 h 20'' 23' 9"
    before = result_counts()
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert result_counts() == before


def test_copying_the_event_list_to_the_next_edition(editor_client, perez):
    athens = Competition.objects.get(slug="olympic-games-2004")
    response = editor_client.post(
        reverse("admin:results_competition_changelist"),
        {"action": "copy_events_to_next_edition", "_selected_action": [athens.pk]},
    )
    assert response.status_code == 302
    beijing = Event.objects.filter(competition__slug="olympic-games-2008")
    assert set(beijing.values_list("discipline__code", flat=True)) == {"20KW", "50KW"}
    assert not beijing.get(discipline__code="50KW").results.exists()


def merge_post(client, keep, duplicate, confirm=True, follow=False):
    data = {"action": "merge_athletes", "_selected_action": [keep.pk, duplicate.pk]}
    if confirm:
        data.update(confirm="1", keep=keep.pk)
    return client.post(reverse("admin:athletes_athlete_changelist"), data, follow=follow)


def test_merging_two_records_of_one_person(editor_client, perez):
    twin = AthleteFactory(
        given_name="Jeferson",
        family_name="Perez",
        country=perez.country,
        date_of_birth=datetime.date(1974, 1, 7),
    )
    ResultFactory(athlete=twin, country=perez.country, place=1, mark=4_700_000)
    preview = merge_post(editor_client, perez, twin, confirm=False)
    assert preview.status_code == 200
    assert "1 result moves" in preview.content.decode()
    response = merge_post(editor_client, perez, twin)
    assert response.status_code == 302
    assert not Athlete.objects.filter(pk=twin.pk).exists()
    assert perez.results.count() == 24
    assert Alias.objects.get(athlete=perez).name == "Jeferson Perez"
    assert list(Athlete.objects.search("jeferson")) == [perez]


def test_merging_two_athletes_who_ran_in_the_same_event_is_refused(editor_client, perez):
    markov = Athlete.objects.get(slug="ilya-markov")
    preview = merge_post(editor_client, perez, markov, confirm=False)
    assert "so they are two people; the merge is refused" in preview.content.decode()
    response = merge_post(editor_client, perez, markov, follow=True)
    assert Athlete.objects.filter(pk=markov.pk).exists()
    assert "they are two people" in response.content.decode()
    assert perez.results.count() == 23


def test_the_championship_page_in_the_admin_lists_its_editions(editor_client, perez):
    url = reverse(
        "admin:results_championship_change",
        args=[perez.results.first().event.competition.championship_id],
    )
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "editions" in response.content.decode().lower()
