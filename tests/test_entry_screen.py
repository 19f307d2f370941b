"""
The entry screen for result sheets: an event's results as one compact table with only the
columns its discipline needs, finishers first, pickers that offer the event's sex and say
who each athlete is, one source cited by every row saved, and sheets of 500 rows.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from athletes.models import Athlete, Country, Sex
from results.models import Discipline, Result
from revisions.history import describe

from .factories import AthleteFactory, EventFactory, ResultFactory, SourceFactory
from .helpers import editor_session, form_data, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(reference_data):
    return editor_session("editor")


def change_url(event):
    return reverse("admin:results_event_change", args=[event.pk])


def column_names(html):
    """The results table's columns, by the class Django gives each header."""
    table = html[html.index('id="results-group"') :]
    table = table[: table.index("</thead>")]
    return re.findall(r'<th class="column-(\w+)(?: required)?">', table)


def row_athletes(html):
    """The athletes' ids in the order the table lists the stored results."""
    return [
        int(pk)
        for pk in re.findall(
            r'name="results-\d+-athlete"[^>]*>\s*<option value="(\d+)" selected', html
        )
    ]


# The narrow columns every table ends with, before Delete.
NOTES = ["records", "note"]


@pytest.fixture
def walk(reference_data):
    return EventFactory(discipline=Discipline.objects.get(code="20KW"))


@pytest.fixture
def sprint(reference_data):
    return EventFactory(discipline=Discipline.objects.get(code="100"), sex=Sex.WOMEN)


def test_a_walk_has_no_wind_nor_hand_timing_column(editor, walk):
    html = editor.get(change_url(walk)).content.decode()

    assert column_names(html) == ["place", "athlete", "country", "mark", "status", *NOTES]
    assert "Delete?" in html


def test_a_sprint_has_wind_and_hand_timing_columns(editor, sprint):
    html = editor.get(change_url(sprint)).content.decode()

    columns = ["place", "athlete", "country", "mark", "status", "hand_timed", "wind", *NOTES]
    assert column_names(html) == columns


@pytest.mark.parametrize(
    ("code", "wind", "hand_timed"),
    [("LJ", True, False), ("400", False, True), ("800", False, False), ("MAR", False, False)],
)
def test_wind_and_hand_timing_only_where_the_discipline_has_them(
    editor, reference_data, code, wind, hand_timed
):
    event = EventFactory(discipline=Discipline.objects.get(code=code))
    columns = column_names(editor.get(change_url(event)).content.decode())
    assert ("wind" in columns, "hand_timed" in columns) == (wind, hand_timed)


def save_row(editor, event, result, **typed):
    """Type `typed` (field: text) in `result`'s row on its event's page and save."""
    data = form_data(editor.get(change_url(event)), form_id="event_form")
    row = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("results-") and key.endswith("-id") and value == str(result.pk)
    )
    for name, value in typed.items():
        data[f"results-{row}-{name}"] = value
    return editor.post(change_url(event), {**data, "_continue": "Save"})


def save_wind(editor, event, result, typed):
    """Type `typed` in the wind of `result`'s row on its event's page and save."""
    return save_row(editor, event, result, wind=typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("2,1", "2.1"), ("+1.8", "1.8"), ("−0.4", "-0.4"), (" -0,3 m/s", "-0.3"), ("0", "0.0")],
)
def test_a_wind_is_read_as_sources_print_it(editor, sprint, typed, stored):
    result = ResultFactory(
        event=sprint, athlete=AthleteFactory(sex=Sex.WOMEN), place=1, mark=11_000
    )
    html = editor.get(change_url(sprint)).content.decode()
    # Text, not a number input, which drops a decimal comma unseen ("2,1" sent as 21).
    wind_input = re.search(r'<input[^>]*name="results-0-wind"[^>]*>', html).group(0)
    assert 'type="text"' in wind_input and 'inputmode="decimal"' in wind_input

    response = save_wind(editor, sprint, result, typed)

    assert response.status_code == 302, response.context["errors"]
    result.refresh_from_db()
    assert str(result.wind) == stored


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("21", "less than or equal to 9.9"),
        ("-12", "greater than or equal to -9.9"),
        ("2.13", "no more than 1 decimal place"),
        ("calm", "Enter a number"),
    ],
)
def test_a_wind_out_of_range_or_unreadable_is_refused_and_nothing_saved(
    editor, sprint, typed, error
):
    woman = AthleteFactory(sex=Sex.WOMEN)
    result = ResultFactory(event=sprint, athlete=woman, place=1, mark=11_000, wind=None)

    response = save_wind(editor, sprint, result, typed)

    assert response.status_code == 200
    assert error in " ".join(str(e) for e in response.context["errors"])
    result.refresh_from_db()
    assert result.wind is None


def test_finishers_come_first_by_place_then_mark_and_the_others_after(editor, walk):
    dnf = ResultFactory(event=walk, place=None, mark=None, status=Result.Status.DID_NOT_FINISH)
    dq = ResultFactory(event=walk, place=None, mark=None, status=Result.Status.DISQUALIFIED)
    second = ResultFactory(event=walk, place=2, mark=4_700_000)
    unplaced = ResultFactory(event=walk, place=None, mark=4_900_000)
    first = ResultFactory(event=walk, place=1, mark=4_650_000)

    html = editor.get(change_url(walk)).content.decode()

    expected = [first, second, unplaced, dnf, dq]
    assert row_athletes(html) == [result.athlete_id for result in expected]


def test_the_athlete_picker_asks_for_the_events_sex_and_its_plus_opens_with_it(editor, sprint):
    html = editor.get(change_url(sprint)).content.decode()

    picker = re.search(r'<select name="results-0-athlete"[^>]*>', html).group(0)
    url = re.search(r'data-ajax--url="([^"]+)"', picker).group(1)
    assert parse_qs(urlsplit(url).query) == {"sex": ["W"]}
    add_link = re.search(r'id="add_id_results-0-athlete"\s+data-popup="yes"\s+href="([^"]+)"', html)
    query = parse_qs(urlsplit(add_link.group(1).replace("&amp;", "&")).query)
    assert query["sex"] == ["W"] and query["_popup"] == ["1"]
    # The row's nation is added by static/js/results_entry.js when "+" is clicked.
    assert "js/results_entry.js" in html
    # Neither a bin nor a pencil beside a row's athlete, and no "+" for a nation.
    assert 'id="delete_id_results-0-athlete"' not in html
    assert 'id="change_id_results-0-athlete"' not in html
    assert 'id="add_id_results-0-country"' not in html


def test_the_new_athlete_pop_up_takes_the_sex_and_nation_from_the_link(editor, reference_data):
    ecuador = Country.objects.get(code="ECU")
    url = reverse("admin:athletes_athlete_add")
    response = editor.get(url, {"_to_field": "id", "_popup": 1, "sex": "W", "country": ecuador.pk})
    form = response.context["adminform"].form
    assert form.initial["sex"] == "W"
    assert str(form.initial["country"]) == str(ecuador.pk)


def test_the_athlete_autocomplete_offers_only_women_with_nation_and_birth_year(
    editor, reference_data
):
    kenya = Country.objects.get(code="KEN")
    AthleteFactory(
        given_name="Ruth",
        family_name="Chepngetich",
        sex=Sex.WOMEN,
        country=kenya,
        date_of_birth="1994-08-08",
    )
    AthleteFactory(given_name="Rhonex", family_name="Chepkirui", sex=Sex.MEN, country=kenya)
    AthleteFactory(given_name="Ruth", family_name="Chebet", sex=Sex.WOMEN, country=kenya)

    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "results",
            "model_name": "result",
            "field_name": "athlete",
            "term": "chep",
            "sex": "W",
        },
    )

    assert response.status_code == 200
    labels = [item["text"] for item in response.json()["results"]]
    assert labels == ["Chepngetich, Ruth · KEN · 1994"]


def test_the_chosen_athlete_is_named_with_nation_and_birth_year(editor, walk):
    athlete = AthleteFactory(
        given_name="Jefferson", family_name="Pérez", date_of_birth="1974-07-01"
    )
    ResultFactory(event=walk, athlete=athlete, place=1)

    html = editor.get(change_url(walk)).content.decode()

    label = f"Pérez, Jefferson · {athlete.country.code} · 1974"
    assert f'<option value="{athlete.pk}" selected>{label}</option>' in html


def test_every_result_saved_cites_the_sheets_source(editor, walk):
    kept = ResultFactory(event=walk, place=1, mark=4_650_000)
    changed = ResultFactory(event=walk, place=2, mark=4_700_000)
    untouched = ResultFactory(event=walk, place=3, mark=4_750_000)
    sheet = SourceFactory(title="Official results, Edmonton")
    newcomer = AthleteFactory()
    response = editor.get(change_url(walk))
    data = form_data(response, form_id="event_form")
    rows = {data[f"results-{i}-id"]: i for i in range(3)}

    data["sheet_source"] = sheet.pk
    data[f"results-{rows[str(changed.pk)]}-note"] = "photo finish"
    data["results-3-athlete"] = newcomer.pk
    data["results-3-place"] = "4"
    data["results-3-mark"] = "1:20:00"
    response = editor.post(change_url(walk), {**data, "_continue": "Save"})

    assert response.status_code == 302, response.context["errors"]
    added = walk.results.get(athlete=newcomer)
    assert list(added.sources.all()) == [sheet]
    assert list(changed.sources.all()) == [sheet]
    # Rows not saved in this save keep what they cited.
    assert not kept.sources.exists() and not untouched.sources.exists()
    # An undo of the save takes the citations back too.
    assert added.history.first().sources.count() == 1


def test_the_sheets_source_is_chosen_by_autocomplete(editor, walk):
    html = editor.get(change_url(walk)).content.decode()
    picker = re.search(r'<select name="sheet_source"[^>]*>', html).group(0)
    assert "admin-autocomplete" in picker
    assert 'data-model-name="result"' in picker and 'data-field-name="sources"' in picker


# A save of a sheet with one row changed: the page's own queries and that row's, as many
# whatever the number of rows (9,000 for 500 rows when each row was read and checked again).
QUERIES_OF_A_500_ROW_SAVE = 65


@pytest.fixture
def marathon(reference_data):
    """A race of 500 finishers, rows made in bulk as a fixture would load them."""
    event = EventFactory(discipline=Discipline.objects.get(code="MAR"))
    nation = Country.objects.get(code="KEN")
    athletes = Athlete.objects.bulk_create(
        Athlete(
            given_name=f"Runner{n}",
            family_name=f"Kip{n}",
            slug=f"runner-{n}",
            search_name=f"kip{n} runner{n}",
            sex=Sex.MEN,
            country=nation,
        )
        for n in range(500)
    )
    Result.objects.bulk_create(
        Result(event=event, athlete=athlete, country=nation, place=n + 1, mark=7_500_000 + n * 1000)
        for n, athlete in enumerate(athletes)
    )
    return event


def test_a_sheet_of_500_results_opens_in_a_bounded_number_of_queries(
    editor, marathon, django_assert_max_num_queries
):
    # The rows' event, athletes and nations come with the table, not one query per row.
    with django_assert_max_num_queries(20):
        response = editor.get(change_url(marathon))
    assert response.status_code == 200
    assert response.content.decode().count('name="results-') > 500 * 8


def test_a_sheet_of_500_results_saves(editor, marathon, django_assert_max_num_queries):
    response = editor.get(change_url(marathon))
    data = form_data(response, form_id="event_form")
    stored = [key for key, pk in data.items() if re.fullmatch(r"results-\d+-id", key) and pk]
    last = max(int(key.split("-")[1]) for key in stored)
    data[f"results-{last}-note"] = "last finisher"

    # The 499 rows left as they were are not read again, one query each for their id,
    # athlete, nation and version, nor checked against each constraint in a query of its
    # own: the database held them to those when they were saved.
    with django_assert_max_num_queries(QUERIES_OF_A_500_ROW_SAVE):
        response = editor.post(change_url(marathon), {**data, "_continue": "Save"})

    assert response.status_code == 302, response.context["errors"]
    assert marathon.results.filter(note="last finisher").count() == 1
    assert marathon.results.count() == 500


def test_an_event_moved_to_a_discipline_its_marks_do_not_fit_says_so_once_a_row(editor, sprint):
    result = ResultFactory(event=sprint, athlete=AthleteFactory(sex=Sex.WOMEN), mark=11_000)
    data = form_data(editor.get(change_url(sprint)), form_id="event_form")
    data["discipline"] = Discipline.objects.get(code="50KW").pk

    response = editor.post(change_url(sprint), {**data, "_continue": "Save"})

    assert response.status_code == 200
    summary = [str(error) for error in response.context["errors"] if isinstance(error, str)]
    rows = [line for line in summary if line.startswith("Row 1, mark:")]
    assert len(rows) == 1 and "“11.00” is not a valid mark for 50 km race walk" in rows[0]
    result.refresh_from_db()
    assert (result.event.discipline.code, result.mark) == ("100", 11_000)


def test_a_hand_time_with_hundredths_is_refused_and_nothing_saved(editor, sprint):
    result = ResultFactory(
        event=sprint, athlete=AthleteFactory(sex=Sex.WOMEN), place=1, mark=11_000, wind=None
    )
    data = form_data(editor.get(change_url(sprint)), form_id="event_form")
    data["results-0-mark"] = "10.34"
    data["results-0-hand_timed"] = "on"

    response = editor.post(change_url(sprint), {**data, "_continue": "Save"})

    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["errors"])
    assert "A hand time is read to the tenth of a second, not to the hundredth" in errors
    result.refresh_from_db()
    assert (result.mark, result.hand_timed) == (11_000, False)


def test_a_hand_timed_marathon_keeps_the_seconds_the_source_gave(reference_data):
    marathon = EventFactory(discipline=Discipline.objects.get(code="MAR"))
    result = ResultFactory(event=marathon, place=1, mark=7_710_000, hand_timed=True)

    assert result.mark_display == "2:08:30"


def type_mark(editor, event, result, typed, **fields):
    """Type `typed` in the mark of `result`'s row on its event's page (and `fields`), save."""
    return save_row(editor, event, result, mark=typed, **fields)


def test_a_time_keeps_the_decimals_it_was_typed_with(editor, reference_data):
    race = EventFactory(discipline=Discipline.objects.get(code="1500"))
    result = ResultFactory(event=race, place=1, mark=226_000)

    response = type_mark(editor, race, result, "3:45.10")

    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.mark, result.mark_display) == (225_100, "3:45.10")
    assert "3:45.10" in page_text(editor.get(race.get_absolute_url()))
    assert "3:45.10" in page_text(editor.get(result.athlete.get_absolute_url()))
    history = page_text(editor.get(reverse("admin:results_result_history", args=[result.pk])))
    assert "3:46" in history and "3:45.10" in history

    type_mark(editor, race, result, "3:45.1")
    result.refresh_from_db()
    assert result.mark_display == "3:45.1"
    # The same milliseconds: the change is told as the mark's, as it reads.
    change = describe(result.history.latest("history_id"))
    assert [(f.name, f.old, f.new) for f in change.fields] == [("mark", "“3:45.10”", "“3:45.1”")]


def test_a_sprint_typed_to_the_tenth_is_refused_unless_hand_timed(editor, sprint):
    result = ResultFactory(
        event=sprint, athlete=AthleteFactory(sex=Sex.WOMEN), place=1, mark=11_000, wind=None
    )

    response = type_mark(editor, sprint, result, "10.2")

    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["errors"])
    assert "a time to the tenth or the second is a hand time" in errors
    result.refresh_from_db()
    assert result.mark == 11_000

    assert type_mark(editor, sprint, result, "10.2", hand_timed="on").status_code == 302
    result.refresh_from_db()
    assert (result.mark_display, result.hand_timed) == ("10.2", True)
