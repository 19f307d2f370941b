"""
Editors at work: results typed or pasted as sources print them, validated row by row,
saved all or nothing, and every change recorded in the admin history.
"""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from athletes.models import Alias, Athlete, Country
from results.models import Championship, Competition, Discipline, Event, Result
from results.roles import EDITORS
from revisions.models import Revision

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .helpers import (
    action_page,
    athlete_form,
    change_url,
    changelist_url,
    confirmation_form,
    form_data,
    page_html,
    paste_preview,
    paste_save,
    row_counts,
    save_change,
    undescribed,
)

pytestmark = pytest.mark.django_db


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


def add_sprint_result(client, wind):
    """The result page of the admin, posted for a 100 m with `wind` typed in its wind box."""
    event = EventFactory(discipline=Discipline.objects.get(code="100"))
    return client.post(
        reverse("admin:results_result_add"),
        {
            "event": event.pk,
            "athlete": AthleteFactory().pk,
            "place": 1,
            "mark": "10.02",
            "status": "OK",
            "wind": wind,
            "records": "",
            "note": "",
        },
    )


@pytest.mark.parametrize(("wind", "stored"), [("\u20130.4", "-0.4"), ("+2,1", "2.1")])
def test_a_wind_with_an_en_dash_or_a_decimal_comma_is_saved(editor_client, wind, stored):
    response = add_sprint_result(editor_client, wind)
    assert response.status_code == 302, response.content.decode()
    assert str(Result.objects.get().wind) == stored


@pytest.mark.parametrize(
    ("wind", "message"),
    [
        ("w", "“w” is not a wind reading: give the wind&#x27;s figure (+2.4)"),
        ("NWI", "“NWI” is not a wind reading: leave the wind empty when no reading was taken."),
        ("n/a", "“n/a” is not a wind reading: leave the wind empty when no reading was taken."),
    ],
)
def test_a_word_in_the_wind_box_says_what_to_type(editor_client, wind, message):
    response = add_sprint_result(editor_client, wind)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Result.objects.exists()


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
            "Row 2, place: Place 1 is also given to row 1 with a different mark",
        ),
        ([{"status": "DNF", "place": 4}], "Row 1, place: Only a finished result has a place."),
        (
            [{"place": 1, "mark": "1:99:00"}],
            "Row 1, mark: “1:99:00” is not a valid mark for 20 km race walk: 99 minutes is more "
            "than 59.",
        ),
        ([{"place": 1, "mark": "1:32:75"}], "Row 1, mark: “1:32:75” is not a valid mark"),
        ([{"place": 1, "mark": "99:99"}], "99 seconds is more than 59"),
        ([{"place": 1, "mark": "1:17:21.005"}], "it has 3 decimals"),
        (
            [{"place": 99_999_999, "mark": "1:20:00"}],
            "Row 1, place: Ensure this value is less than or equal to 100000.",
        ),
        (
            [{"place": 0, "mark": "1:20:00"}],
            "Row 1, place: Ensure this value is greater than or equal to 1.",
        ),
        (
            [{"place": -1, "mark": "1:20:00"}],
            "Row 1, place: Ensure this value is greater than or equal to 1.",
        ),
    ],
)
def test_a_rejected_row_names_row_and_field_and_saves_nothing(editor_client, race, rows, expected):
    for row in rows:
        row["athlete"] = AthleteFactory().pk
    before = row_counts()
    response = post_results(editor_client, race, rows)
    assert response.status_code == 200
    assert expected in page_html(response)
    assert row_counts() == before


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


def test_pasting_a_result_list_previews_matches_and_new_athletes(editor_client, perez, final_2001):
    rows = previewed_rows(paste_preview(editor_client, final_2001, PASTED))
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
    assert not Result.objects.filter(event=final_2001).exists()


def previewed_rows(response):
    """Each previewed row as the page shows it: the athlete by slug, the place as a number."""
    slugs = dict(Athlete.objects.values_list("pk", "slug"))
    rows = []
    for form in response.context["formset"].forms:
        row = {name: form[name].value() for name in form.fields}
        row["athlete"] = slugs[int(row["athlete"])] if row["athlete"] else ""
        row["place"] = int(row["place"]) if row["place"] else None
        rows.append(row)
    return rows


def paste_and_save(client, event, lines, **changes):
    """Paste `lines`, post the preview back with `changes` to its fields, return the answer."""
    return paste_save(client, event, paste_preview(client, event, lines), **changes)


def test_saving_a_pasted_list_creates_every_row_and_the_new_athlete(
    editor_client, perez, final_2001
):
    response = paste_and_save(editor_client, final_2001, PASTED)
    assert response.status_code == 302
    results = {r.athlete.slug: r for r in final_2001.results.select_related("athlete", "country")}
    assert results["jefferson-perez"].mark == 4_807_000
    assert results["jefferson-perez"].country.code == "ECU"
    assert results["newcomer-walker"].country.code == "GUA"
    assert results["daniel-garcia"].status == "DNF"
    assert len(results) == 5
    assert LogEntry.objects.filter(object_repr__contains="Newcomer").exists()


def test_a_bad_pasted_row_saves_nothing(editor_client, perez, final_2001):
    preview = paste_preview(editor_client, final_2001, PASTED)
    before = row_counts()
    response = paste_save(editor_client, final_2001, preview, **{"form-2-mark": "1 h 20'' 23' 9"})
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert row_counts() == before


def test_copying_the_event_list_to_the_next_edition(editor_client, perez):
    athens = Competition.objects.get(slug="olympic-games-2004")
    page = action_page(editor_client, "copy_events_to_next_edition", athens)
    assert page.status_code == 200, "a confirmation page says what is copied where"
    assert "50 km race walk" in page.content.decode()
    assert not Event.objects.filter(
        competition__slug="olympic-games-2008", discipline__code="50KW"
    ).exists()
    response = editor_client.post(changelist_url(Competition), confirmation_form(page, "copy-form"))
    assert response.status_code == 302
    beijing = Event.objects.filter(competition__slug="olympic-games-2008")
    assert set(beijing.values_list("discipline__code", flat=True)) == {"20KW", "50KW"}
    assert not beijing.get(discipline__code="50KW").results.exists()


def merge_post(client, keep, duplicate, confirm=True, follow=False):
    """The merge's confirmation page; with `confirm`, the merge confirmed from that page."""
    page = action_page(client, "merge_athletes", keep, duplicate)
    if not confirm:
        return page
    confirmed = confirmation_form(page, "merge-form", keep=str(keep.pk))
    return client.post(changelist_url(Athlete), confirmed, follow=follow)


def test_merging_two_records_of_one_person(editor_client, perez):
    twin = AthleteFactory(
        given_name="Jeferson",
        family_name="Perez",
        country=perez.country,
        date_of_birth=datetime.date(1974, 1, 7),
    )
    race = EventFactory(competition=CompetitionFactory(year=2001))
    ResultFactory(athlete=twin, event=race, country=perez.country, place=1, mark=4_700_000)
    preview = merge_post(editor_client, perez, twin, confirm=False)
    assert preview.status_code == 200
    assert "1 result moves" in preview.content.decode()
    response = merge_post(editor_client, perez, twin)
    assert response.status_code == 302
    # The recent changes say it was a merge, not a delete.
    revision = Revision.objects.latest("pk")
    assert (revision.kind, revision.comment) == (
        Revision.Kind.MERGE,
        "Merged Jeferson Perez into Jefferson Pérez.",
    )
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
    olympics = Championship.objects.get(slug="olympic-games")
    response = editor_client.get(change_url(olympics))
    assert response.status_code == 200
    data = form_data(response, form_id="championship_form")
    editions = [
        (data[f"editions-{row}-year"], data[f"editions-{row}-name"])
        for row in range(int(data["editions-TOTAL_FORMS"]))
    ]
    # The latest first, each one a link to its own page (its events and their results).
    assert editions == [
        ("2008", "Olympic Games Beijing 2008"),
        ("2004", "Olympic Games Athens 2004"),
        ("2000", "Olympic Games Sydney 2000"),
        ("1996", "Olympic Games Atlanta 1996"),
    ]
    page = response.content.decode()
    for edition in olympics.editions.all():
        assert f'href="{change_url(edition)}"' in page


# The paste refuses what the results table refuses, row by row, before saving anything.


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        ("1:99:00", "Row 1, mark: “1:99:00” is not a valid mark for 20 km race walk: 99 minutes"),
        ("1:32:75", "Row 1, mark: “1:32:75” is not a valid mark for 20 km race walk: 75 seconds"),
        ("99:99", "Row 1, mark: “99:99” is not a valid mark for 20 km race walk: 99 seconds"),
    ],
)
def test_a_pasted_mark_out_of_range_is_refused_and_nothing_is_saved(
    editor_client, final_2001, mark, expected
):
    before = row_counts()
    response = paste_and_save(editor_client, final_2001, f"1. Newcomer Walker (GUA) {mark}")
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert expected in page_html(response)
    assert row_counts() == before


def test_a_pasted_place_out_of_range_is_read_as_a_place_and_refused(editor_client, final_2001):
    lines = "99999999 Newcomer Walker (GUA) 1:20:00"
    row = previewed_rows(paste_preview(editor_client, final_2001, lines))[0]
    assert (row["place"], row["name"]) == (99_999_999, "Newcomer Walker")
    before = row_counts()
    response = paste_and_save(editor_client, final_2001, lines)
    assert response.status_code == 200
    assert "Row 1, place: Ensure this value is less than or equal to 100000." in page_html(response)
    assert row_counts() == before


def test_the_paste_reports_an_athlete_of_the_other_sex_on_its_row(editor_client, final_2001):
    woman = AthleteFactory(sex="W")
    response = paste_and_save(
        editor_client,
        final_2001,
        "1. Someone Else (GUA) 1:20:00",
        **{"form-0-athlete": woman.pk},
    )
    assert response.status_code == 200
    assert "Row 1, athlete: This athlete does not compete in this event's sex." in page_html(
        response
    )
    assert not Result.objects.exists()


def test_the_paste_reports_a_result_before_the_athletes_birth_on_its_row(editor_client, final_2001):
    AthleteFactory(
        given_name="Young", family_name="Walker", date_of_birth=datetime.date(2005, 1, 1)
    )
    response = paste_and_save(editor_client, final_2001, "1. Young Walker (GUA) 1:20:00")
    assert response.status_code == 200
    assert "Row 1, athlete: The event took place before the athlete's birth." in page_html(response)
    assert not Result.objects.exists()


def test_the_paste_reports_what_would_refuse_a_new_athlete_on_its_row(editor_client, final_2001):
    before = row_counts()
    response = paste_and_save(editor_client, final_2001, "1. Markov (RUS) 1:20:00")
    assert response.status_code == 200
    assert "Row 1, name as written: given name: This field cannot be blank." in page_html(response)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("stored_place", "expected"),
    [
        (1, "Row 1, place: Place 1 is also given to {athlete} with a different mark"),
        # Named above the rows: the stored result is no row of the paste.
        (
            2,
            "{athlete} (already saved), mark: Place 2 has 1:20:00, better than 1:21:00 "
            "for place 1 (row 1)",
        ),
    ],
    ids=["a second winner", "a better mark behind"],
)
def test_a_paste_that_contradicts_a_stored_result_names_it_and_saves_nothing(
    editor_client, final_2001, stored_place, expected
):
    stored = ResultFactory(event=final_2001, place=stored_place, mark=4_800_000)
    response = paste_and_save(editor_client, final_2001, "1. Newcomer Walker (GUA) 1:21:00")
    assert response.status_code == 200
    assert expected.format(athlete=stored.athlete.name) in page_html(response)
    assert list(final_2001.results.all()) == [stored]


def test_a_pasted_tie_with_the_stored_winner_is_saved(editor_client, final_2001):
    ResultFactory(event=final_2001, place=1, mark=4_800_000)
    response = paste_and_save(editor_client, final_2001, "1. Newcomer Walker (GUA) 1:20:00")
    assert response.status_code == 302
    assert final_2001.results.filter(place=1).count() == 2


# Text as typed: browsers send a textarea's lines ending in CR LF.


def test_a_biography_typed_in_the_admin_shows_its_paragraphs(editor_client, reference_data):
    highlight = {
        "highlights-TOTAL_FORMS": "1",
        "highlights-0-position": "1",
        "highlights-0-kind": "story",
        "highlights-0-text": "First line.\r\n\r\nSecond line.",
    }
    response = editor_client.post(
        reverse("admin:athletes_athlete_add"),
        athlete_form(biography="Born in Cuenca.\r\n\r\nOlympic champion in Atlanta.", **highlight),
    )
    assert response.status_code == 302, page_html(response)
    athlete = Athlete.objects.get(slug="ana-cabecinha")
    assert athlete.biography == "Born in Cuenca.\n\nOlympic champion in Atlanta."
    assert athlete.highlights.get().text == "First line.\n\nSecond line."
    page = editor_client.get(athlete.get_absolute_url()).content.decode()
    assert "<p>Born in Cuenca.</p>" in page
    assert "<p>Olympic champion in Atlanta.</p>" in page


def test_saving_a_biography_unchanged_records_no_change(editor_client, reference_data):
    athlete = AthleteFactory(biography="One.\n\nTwo.")
    response = save_change(editor_client, athlete, biography="One.\r\n\r\nTwo.")
    assert response.status_code == 302, page_html(response)
    entry = LogEntry.objects.get(object_id=str(athlete.pk))
    assert entry.get_change_message() == "No fields changed."


def test_a_discipline_with_results_keeps_what_it_is_measured_in(editor_client, perez):
    walk = Discipline.objects.get(code="20KW")

    response = save_change(editor_client, walk, measure="distance")

    assert response.status_code == 200
    assert "This discipline has results" in page_html(response)
    walk.refresh_from_db()
    assert walk.measure == "time"
    # Without results, a discipline typed wrongly is put right.
    relay = Discipline.objects.create(
        code="4x400", name="4 × 400 m", venue="track", measure="points"
    )
    assert save_change(editor_client, relay, measure="time").status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"distance_m": "0"}, "greater than or equal to 1"),
        ({"code": "ZZZ"}, "“ZZZ” is not an athletics event code athlib knows."),
        # A world record is a stored mark, read by the rule every result's mark is.
        ({"men_world_record": "0"}, "“0” is not a valid mark for 100 m: a mark is a positive"),
        ({"women_world_record": "-10490"}, "“-10490” is not a valid mark for 100 m"),
        ({"men_world_record": "9581"}, "it reads 9.581, and the archive keeps times to the"),
        ({"men_world_record": "5000"}, "The mark 5000 reads as 5.00."),
    ],
)
def test_a_discipline_refuses_a_distance_of_nothing_and_an_unknown_code(
    editor_client, reference_data, changes, message
):
    hundred = Discipline.objects.get(code="100")
    response = save_change(editor_client, hundred, **changes)
    assert response.status_code == 200
    assert message in page_html(response)
    hundred.refresh_from_db()
    assert (hundred.code, hundred.distance_m) == ("100", 100)
    assert (hundred.men_world_record, hundred.women_world_record) == (None, None)


@pytest.fixture
def hundred(reference_data):
    event = EventFactory(discipline=Discipline.objects.get(code="100"))
    ResultFactory(event=event, place=1, mark=9_580)
    return event


def test_a_result_added_on_its_own_page_meets_the_rules_of_its_events_list(editor_client, hundred):
    url = reverse("admin:results_result_add")
    data = form_data(editor_client.get(url), form_id="result_form")
    data.update(event=hundred.pk, athlete=AthleteFactory().pk, place="1", mark="9.99")
    data.update(status="OK")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "only equal marks can share a place" in page_html(response)
    assert hundred.results.count() == 1
    assert editor_client.post(url, {**data, "place": "2"}).status_code == 302
    assert hundred.results.count() == 2


def test_a_fault_of_the_saved_list_does_not_block_another_results_edit(editor_client, hundred):
    # Two winners with different marks, written past the forms (check_archive finds them).
    ResultFactory(event=hundred, place=1, mark=9_690)
    third = ResultFactory(event=hundred, place=3, mark=9_900)

    response = save_change(editor_client, third, note="lane 9")

    assert response.status_code == 302, page_html(response)
    third.refresh_from_db()
    assert third.note == "lane 9"


def test_record_tags_typed_in_any_order_are_saved_once_each_in_one_order(editor_client, hundred):
    winner = hundred.results.get()

    response = save_change(editor_client, winner, records="OR WR OR")

    assert response.status_code == 302, page_html(response)
    winner.refresh_from_db()
    assert winner.records == "WR OR"
    assert 'name="records" value="WR OR"' in page_html(editor_client.get(change_url(winner)))


def test_record_tags_typed_on_the_events_page_are_saved_in_one_order(editor_client, hundred):
    response = save_change(editor_client, hundred, **{"results-0-records": "NR CR AR"})

    assert response.status_code == 302, page_html(response)
    assert hundred.results.get().records == "AR CR NR"
    page = page_html(editor_client.get(change_url(hundred)))
    assert 'name="results-0-records" value="AR CR NR"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sex": "W"}, "This athlete does not compete in this event's sex."),
        ({"date_of_birth": "2005-12-01"}, "The event took place before the athlete's birth."),
        ({"retired_on": "2000-01-01"}, "The event took place after the athlete's retirement."),
    ],
)
def test_an_athlete_edit_that_his_results_contradict_is_refused(
    editor_client, perez, changes, message
):
    stored = (perez.sex, perez.date_of_birth, perez.retired_on)

    response = save_change(editor_client, perez, **changes)

    assert response.status_code == 200
    text = page_html(response)
    assert message in text
    assert "Jefferson Pérez – " in text  # the results are named, the first few
    assert "more." in text
    perez.refresh_from_db()
    assert (perez.sex, perez.date_of_birth, perez.retired_on) == stored


def test_a_merge_that_would_put_a_womans_results_on_a_man_is_refused(editor_client, perez):
    namesake = AthleteFactory(given_name="Jéfferson", family_name="Pérez", sex="W")
    women = EventFactory(sex="W", competition=CompetitionFactory(year=2001))
    ResultFactory(athlete=namesake, event=women, place=1, mark=5_400_000)

    preview = page_html(merge_post(editor_client, perez, namesake, confirm=False))
    assert "Men" in preview and "Women" in preview  # each record's sex, to tell them apart
    assert "This athlete does not compete in this event's sex." in preview
    response = merge_post(editor_client, perez, namesake, follow=True)

    assert "the merge is refused" in page_html(response)
    assert Athlete.objects.filter(pk=namesake.pk).exists()
    assert perez.results.count() == 23


@pytest.mark.parametrize(
    ("year", "bound"),
    [("1799", "greater than or equal to 1800"), ("2201", "less than or equal to 2200")],
)
def test_a_competition_year_out_of_range_is_refused_on_its_field(editor_client, perez, year, bound):
    atlanta = Competition.objects.get(slug="olympic-games-1996")

    response = save_change(editor_client, atlanta, year=year)

    assert response.status_code == 200
    text = page_html(response)
    assert f"Ensure this value is {bound}." in text and "Constraint" not in text
    atlanta.refresh_from_db()
    assert atlanta.year == 1996


def test_a_fault_his_results_had_already_does_not_block_an_athletes_other_edits(
    editor_client, perez
):
    # A women's race in his results, written past the forms (check_archive finds it).
    women = EventFactory(sex="W", competition=CompetitionFactory(year=2001))
    ResultFactory(event=women, athlete=perez, place=5, mark=5_400_000)

    response = save_change(editor_client, perez, birthplace="Cuenca, Azuay")

    assert response.status_code == 302, page_html(response)
    perez.refresh_from_db()
    assert perez.birthplace == "Cuenca, Azuay"


def test_a_second_row_for_an_athlete_already_in_the_race_names_them(editor_client, race):
    runner = AthleteFactory(given_name="Ana", family_name="Ruiz")
    ResultFactory(event=race, athlete=runner, place=1, mark=4_700_000)

    response = post_results(
        editor_client, race, [{"place": 2, "athlete": runner.pk, "mark": "1:18:00"}]
    )

    assert response.status_code == 200
    errors = [str(error) for error in response.context["errors"]]
    assert "Row 1: Ana Ruiz already has a result in this event." in errors
    assert race.results.count() == 1


def test_every_field_of_a_tables_rows_is_described_by_text_on_the_page(editor_client, perez):
    # The help of a row's field is its column's header (or nowhere): Django pointed each
    # field at a help text of its own id, which a screen reader read as nothing.
    event = Event.objects.filter(results__athlete=perez).first()
    pages = [
        change_url(event),
        reverse("admin:results_event_add"),
        change_url(Championship.objects.first()),
        changelist_url(Discipline),
        changelist_url(Championship),
        change_url(perez),
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200
        assert undescribed(response) == [], url


def test_a_rows_field_with_an_error_is_described_by_the_error(editor_client, perez):
    event = Event.objects.filter(results__athlete=perez).first()
    response = save_change(editor_client, event, **{"results-0-mark": "1:99:00"})
    assert "99 minutes is more than 59" in page_html(response)
    assert 'aria-describedby="id_results-0-mark_error"' in page_html(response)
    assert undescribed(response) == []
