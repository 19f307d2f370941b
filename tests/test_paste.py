"""
Pasting a result sheet: the first preview checks every row by every rule and says so in the
row, near matches are offered and never chosen for the editor, the sheet's source is cited
by every result, a paste over a changed event is refused, and long sheets save.
"""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from athletes.models import Athlete, Country
from results.models import Discipline, Event, Result
from revisions.models import Revision

from .factories import (
    AthleteFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
    SourceFactory,
)
from .helpers import (
    editor_session,
    page_html,
    page_text,
    paste_preview,
    paste_save,
    paste_url,
    row_counts,
    save_change,
    undescribed,
)

# Sheets are pasted into the archive as shipped: its athletes are there to be matched.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("perez")]


def row_html(response, number):
    """The table row of pasted row `number` (from 1), with its errors row if it has one."""
    page = response.content.decode()
    start = page.index(f'<tr id="row-{number}"')
    end = page.find('<tr id="row-', start + 1)
    return page[start : end if end != -1 else page.index("</tbody>", start)]


def slug(pk):
    return Athlete.objects.get(pk=pk).slug


def event_in(code, indoor=False, altitude_m=None):
    """A men's final of 2001 in Canada, in the discipline of `code`, with no results yet."""
    competition = CompetitionFactory(
        year=2001, country=Country.objects.get(code="CAN"), indoor=indoor, altitude_m=altitude_m
    )
    return EventFactory(
        competition=competition,
        discipline=Discipline.objects.get(code=code),
        date=datetime.date(2001, 8, 5),
    )


# The first preview: every rule, every row.


def test_the_first_preview_reports_each_rule_on_its_row(ana, final_2001):
    AthleteFactory(
        given_name="Young", family_name="Walker", date_of_birth=datetime.date(2005, 1, 1)
    )
    AthleteFactory(given_name="Maria", family_name="Andante", sex="W")
    lines = "\n".join(
        [
            "1. Ilya Markov (RUS) 1:20:00",
            "1. Bernardo Segura (MEX) 1:21:00",
            "3. Robert Korzeniowski (POL) 1:99:00",
            "4. Daniel Garcia (MEX) DNF",
            "5. Young Walker (GUA) 1:25:00",
            "6. Ilya Markov (RUS) 1:26:00",
            "7. Maria Andante (GUA) 1:27:00",
        ]
    )
    before = row_counts()
    response = paste_preview(ana, final_2001, lines)
    expected = {
        2: "Place 1 is also given to row 1 with a different mark",
        3: "“1:99:00” is not a valid mark for 20 km race walk: 99 minutes",
        4: "Only a finished result has a place.",
        5: "The event took place before the athlete's birth.",
        6: "Ilya Markov is already entered in row 1.",
        7: "This athlete does not compete in this event's sex.",
    }
    forms = response.context["formset"].forms
    assert not forms[0].errors
    for number, message in expected.items():
        errors = " ".join(
            str(error) for errors in forms[number - 1].errors.values() for error in errors
        )
        assert message in unescape(errors), number
        assert message in unescape(row_html(response, number)), number
        assert f"Row {number}, " in page_html(response)
    assert "has-errors" not in row_html(response, 1)
    assert "6 rows to correct" in page_text(response)
    assert row_counts() == before


def test_the_save_checks_every_row_again(ana, final_2001):
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    before = row_counts()
    refused = paste_save(ana, final_2001, response, **{"form-0-mark": "1:99:00"})
    assert refused.status_code == 200
    assert "Row 1, mark: “1:99:00” is not a valid mark" in page_html(refused)
    assert row_counts() == before


def test_a_row_left_out_is_not_checked_nor_saved(ana, final_2001):
    response = paste_preview(
        ana, final_2001, "Men's 20 km walk, final\n1. Ilya Markov (RUS) 1:20:00"
    )
    assert response.context["formset"].forms[0].errors
    saved = paste_save(ana, final_2001, response, **{"form-0-include": ""})
    assert saved.status_code == 302
    assert [result.athlete.slug for result in final_2001.results.all()] == ["ilya-markov"]


# Places as sheets print them: ties, and a start of line that is no place.

# Ties as sheets print them, US sheets with a T ("T2": tied for second).
TIED = ["2=", "=2", "2 =", "2=.", "T2", "T-2", "t2"]


@pytest.mark.parametrize("place", TIED)
def test_a_tied_place_is_read_as_the_place_and_left_out_of_the_name(ana, place):
    high_jump = event_in("HJ")
    lines = f"1 Ed Ewing USA 2.35\n{place} Fred Fox USA 2.30\n=2 Carl Cole USA 2.30"
    response = paste_preview(ana, high_jump, lines)
    forms = response.context["formset"].forms
    assert [(form["place"].value(), form["name"].value()) for form in forms] == [
        ("1", "Ed Ewing"),
        ("2", "Fred Fox"),
        ("2", "Carl Cole"),
    ]
    assert not any(form.errors for form in forms)
    assert paste_save(ana, high_jump, response).status_code == 302
    assert sorted(high_jump.results.values_list("place", "athlete__slug")) == [
        (1, "ed-ewing"),
        (2, "carl-cole"),
        (2, "fred-fox"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "2.= Fred Fox USA 2.30",
        "#2 Fred Fox USA 2.30",
        "2a Fred Fox",
        "X2 Fred Fox USA 2.30",
        "No.2 Fred Fox USA 2.30",
    ],
)
def test_a_place_that_cannot_be_read_is_a_row_error_never_a_name(ana, line):
    high_jump = event_in("HJ")
    response = paste_preview(ana, high_jump, f"1 Ed Ewing USA 2.35\n{line}")
    assert f"“{line}” cannot be read" in unescape(row_html(response, 2))
    assert "Row 2, name as written: " in page_html(response)
    before = row_counts()
    refused = paste_save(ana, high_jump, response)
    assert refused.status_code == 200
    assert row_counts() == before
    # Typed again in the preview, the place and the name save.
    corrected = {"form-1-place": "2", "form-1-name": "Fred Fox", "form-1-nation": "USA"}
    assert paste_save(ana, high_jump, refused, **corrected).status_code == 302
    assert sorted(high_jump.results.values_list("place", "athlete__slug")) == [
        (1, "ed-ewing"),
        (2, "fred-fox"),
    ]


# What a sprint's or a jump's sheet prints after the mark: the wind, a hand time.

# A line as a source prints it, and the wind it gives.
WINDS_WRITTEN = [
    ("2. Bob Brown (JAM) 20.31 (+0.3)", "0.3"),
    ("2 Bob BROWN JAM 20.31 +0.3", "0.3"),
    ("2 Bob Brown JAM 20.31 0.0", "0.0"),
    ("2 Bob Brown JAM 20.31(−0,4)", "-0.4"),
    ("2 Bob Brown JAM 20.31 –1.2 m/s", "-1.2"),
    ("2 Bob Brown (JAM) 20.31 (+2,1 m/s)", "2.1"),
]


@pytest.mark.parametrize(("line", "wind"), WINDS_WRITTEN)
def test_the_wind_after_the_mark_is_shown_and_saved(ana, line, wind):
    two_hundred = event_in("200")
    response = paste_preview(ana, two_hundred, line)
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert (form["name"].value(), form["mark"].value()) in [
        ("Bob Brown", "20.31"),
        ("Bob BROWN", "20.31"),
    ]
    assert "Wind" in page_text(response)
    assert 'name="form-0-wind"' in row_html(response, 1)
    assert paste_save(ana, two_hundred, response).status_code == 302
    result = two_hundred.results.get()
    assert (result.mark, result.wind, result.hand_timed) == (20_310, Decimal(wind), False)
    assert "nwi" not in result.flags


@pytest.mark.parametrize("mark", ["10.1h", "10.1 H"])
def test_a_hand_time_is_shown_and_saved_as_hand_timed(ana, mark):
    hundred = event_in("100")
    response = paste_preview(ana, hundred, f"1 Carl Cole USA {mark} +1.1")
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert form["mark"].value() == "10.1"
    assert re.search(
        r'<input type="checkbox" name="form-0-hand_timed"[^>]*checked', row_html(response, 1)
    )
    assert paste_save(ana, hundred, response).status_code == 302
    result = hundred.results.get()
    assert (result.mark, result.wind, result.hand_timed) == (10_100, Decimal("1.1"), True)
    assert result.mark_display == "10.1"


@pytest.mark.parametrize(
    "line", ["1 Al Able USA 7.95w", "1 Al Able USA 7.95 w", "1 Al Able USA 7.95 (w)"]
)
def test_wind_aided_without_a_reading_asks_the_editor_for_one(ana, line):
    long_jump = event_in("LJ")
    response = paste_preview(ana, long_jump, line)
    form = response.context["formset"].forms[0]
    assert form["mark"].value() == "7.95"
    assert form["wind"].value() == "w"
    assert "type the reading" in unescape(row_html(response, 1))
    assert "Row 1, wind (m/s): " in page_html(response)
    before = row_counts()
    assert paste_save(ana, long_jump, response).status_code == 200
    assert row_counts() == before
    # The reading typed, the row saves with it.
    assert paste_save(ana, long_jump, response, **{"form-0-wind": "+2.6"}).status_code == 302
    assert long_jump.results.get().wind == Decimal("2.6")


# The wind a row may not have, by the result's own rules: the discipline, indoors, a slip.
WINDS_REFUSED = [
    ("20KW", False, "1. Ilya Markov (RUS) 1:20:00 (+0.3)", "No wind is read in this discipline."),
    ("200", True, "1 Bob Brown JAM 20.31 +0.3", "No wind is read indoors."),
    ("200", False, "1 Bob Brown JAM 20.31 +12.5", "less than or equal to 9.9"),
]


@pytest.mark.parametrize(("code", "indoor", "line", "message"), WINDS_REFUSED)
def test_a_wind_the_result_may_not_have_is_a_row_error(ana, code, indoor, line, message):
    event = event_in(code, indoor=indoor)
    response = paste_preview(ana, event, line)
    assert message in unescape(row_html(response, 1))
    assert "Row 1, wind (m/s): " in page_html(response)
    before = row_counts()
    assert paste_save(ana, event, response).status_code == 200
    assert row_counts() == before


def test_a_hand_time_in_a_jump_is_a_row_error(ana):
    long_jump = event_in("LJ")
    response = paste_preview(ana, long_jump, "1 Al Able USA 7.95h")
    assert "Only a time can be hand-timed." in unescape(row_html(response, 1))
    assert paste_save(ana, long_jump, response).status_code == 200
    assert not long_jump.results.exists()


def test_a_500_line_sprint_with_winds_previews_in_few_queries(ana, django_assert_max_num_queries):
    hundred = event_in("100")
    lines = "\n".join(
        f"{place}. Sprinter{place} Tester (GUA) {10 + place / 100:.2f} (+1.{place % 10})"
        for place in range(1, 501)
    )
    with django_assert_max_num_queries(30):
        response = paste_preview(ana, hundred, lines)
    assert not response.context["formset"].non_form_errors()
    assert paste_save(ana, hundred, response).status_code == 302
    assert hundred.results.get(place=500).wind == Decimal("1.0")


# Tags a sheet prints after the mark and wind: records kept, qualification in the note,
# what the archive works out left out, anything else refused.

# A line, and the record tags, note and wind its result is saved with.
TAGS_KEPT = [
    ("1 Carl Cole USA 10.05 WR", "WR", "", None),
    ("1 Carl Cole USA 10.05 -0.2 CR NR", "CR NR", "", Decimal("-0.2")),
    ("1 Carl Cole USA 10.05 (+1.1) =WR", "WR", "", Decimal("1.1")),
    ("4 Carl Cole USA 10.05 -0.2 Q", "", "Q", Decimal("-0.2")),
    ("4 Carl Cole USA 10.05 +0.3 q", "", "q", Decimal("0.3")),
    ("1 Carl Cole USA 10.05 AR Q", "AR", "Q", None),
    # Record tags in the archive's one order, once each, however the sheet prints them.
    ("1 Carl Cole USA 10.05 NR =WR AR NR", "WR AR NR", "", None),
]


@pytest.mark.parametrize(("line", "records", "note", "wind"), TAGS_KEPT)
def test_record_tags_and_qualification_after_the_mark_are_shown_and_saved(
    ana, line, records, note, wind
):
    hundred = event_in("100")
    response = paste_preview(ana, hundred, line)
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert (form["name"].value(), form["mark"].value()) == ("Carl Cole", "10.05")
    assert (form["records"].value(), form["note"].value()) == (records, note)
    row = row_html(response, 1)
    assert f'name="form-0-records" value="{records}"' in row or not records
    assert f'name="form-0-note" value="{note}"' in row or not note
    assert paste_save(ana, hundred, response).status_code == 302
    result = hundred.results.get()
    assert (result.mark, result.wind, result.records, result.note) == (
        10_050,
        wind,
        records,
        note,
    )


def test_the_sheets_example_of_a_walkers_world_record_is_read(ana, final_2001, perez):
    response = paste_preview(ana, final_2001, "1 Jefferson PÉREZ ECU 1:17:21 WR")
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert int(form["athlete"].value()) == perez.pk
    assert paste_save(ana, final_2001, response).status_code == 302
    assert final_2001.results.get().record_tags == ["WR"]


# A mark made at altitude: an "A" right after it, glued or not, before or after the wind.

# A line, and the discipline, mark, wind and record tags its result is saved with.
AT_ALTITUDE = [
    ("1 Bob Beamon USA 8.90 A +2.0", "LJ", "8.90", Decimal("2.0"), ""),
    ("1 Carl Cole USA 10.05A", "100", "10.05", None, ""),
    ("1 Carl Cole USA 9.95 A", "100", "9.95", None, ""),
    ("1 Carl Cole USA 10.05A +0.3", "100", "10.05", Decimal("0.3"), ""),
    ("1 Carl Cole USA 10.05 +0.3 A", "100", "10.05", Decimal("0.3"), ""),
    ("1 Carl Cole USA 10.05 (+0.3)A", "100", "10.05", Decimal("0.3"), ""),
    ("1 Carl Cole (USA) 10.05A(-0.2) AR", "100", "10.05", Decimal("-0.2"), "AR"),
    ("1 Carl Cole USA 10.05 A NR", "100", "10.05", None, "NR"),
]


@pytest.mark.parametrize(("line", "code", "mark", "wind", "records"), AT_ALTITUDE)
def test_an_a_after_the_mark_is_read_as_altitude_shown_and_saved(
    ana, line, code, mark, wind, records
):
    # The "A" was refused as an unknown record tag, or the whole mark ("10.05A") as no mark.
    event = event_in(code, altitude_m=2240)
    response = paste_preview(ana, event, line)
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert (form["mark"].value(), form["records"].value()) == (mark, records)
    assert "At altitude" in page_text(response)
    assert re.search(
        r'<input type="checkbox" name="form-0-at_altitude"[^>]*checked', row_html(response, 1)
    )
    assert paste_save(ana, event, response).status_code == 302
    result = event.results.get()
    assert (result.wind, result.records) == (wind, records)
    assert "A" in result.flags


# A line with an "A" that is no altitude flag, and the name and record tags read from it.
NOT_ALTITUDE = [
    ("1 A. Smith USA 10.05", "A. Smith", ""),
    ("1 A Smith USA 10.05 -0.2", "A Smith", ""),
    ("1 Smith A. USA 10.05 AR", "Smith A.", "AR"),
]


@pytest.mark.parametrize(("line", "name", "records"), NOT_ALTITUDE)
def test_an_a_in_the_name_or_the_area_record_is_no_altitude_flag(ana, line, name, records):
    hundred = event_in("100", altitude_m=2240)
    response = paste_preview(ana, hundred, line)
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert (form["name"].value(), form["records"].value()) == (name, records)
    assert not form["at_altitude"].value()
    assert "At altitude" not in page_text(response)


@pytest.mark.parametrize("altitude_m", [None, 560])
def test_an_altitude_flag_where_the_competition_is_not_high_is_a_row_error(ana, altitude_m):
    hundred = event_in("100", altitude_m=altitude_m)
    response = paste_preview(ana, hundred, "1 Ed Ewing USA 10.01 +0.1\n2 Carl Cole USA 10.05 A")
    forms = response.context["formset"].forms
    assert not forms[0].errors
    said = unescape(row_html(response, 2))
    assert "is not given an altitude of 1,000 m or more" in said
    assert hundred.competition.name in said
    assert "Row 2, at altitude: " in unescape(page_html(response))
    before = row_counts()
    refused = paste_save(ana, hundred, response)
    assert refused.status_code == 200
    assert row_counts() == before
    # Unticked, the row saves without the flag.
    assert paste_save(ana, hundred, refused, **{"form-1-at_altitude": ""}).status_code == 302
    assert "A" not in hundred.results.get(place=2).flags


@pytest.mark.parametrize("tag", ["PB", "SB", "WL", "=PB", "=SB"])
def test_a_tag_the_archive_works_out_is_left_out_and_the_preview_says_so(ana, tag):
    ten_thousand = event_in("10000")
    response = paste_preview(ana, ten_thousand, f"3 Carl Cole KEN 27:05.12 {tag}")
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert (form["mark"].value(), form["records"].value(), form["note"].value()) == (
        "27:05.12",
        "",
        "",
    )
    assert f"Not saved: {tag}" in unescape(row_html(response, 1))
    assert paste_save(ana, ten_thousand, response).status_code == 302
    result = ten_thousand.results.get()
    assert (result.mark, result.records, result.note) == (1_625_120, "", "")


def test_an_unknown_word_after_the_mark_is_a_row_error_naming_it(ana):
    hundred = event_in("100")
    lines = "\n".join(
        [
            "1 Ed Ewing USA 10.01 +0.1",
            "2 Fred Fox USA 10.02 +0.1 PB",
            "3 Carl Cole USA 10.03 +0.1 Q",
            "4 Dan Dale USA 10.04 +0.1 XYZ",
        ]
    )
    response = paste_preview(ana, hundred, lines)
    forms = response.context["formset"].forms
    assert not any(form.errors for form in forms[:3])
    assert forms[3]["name"].value() == "Dan Dale"
    assert forms[3]["mark"].value() == "10.04"
    assert "“XYZ”" in unescape(row_html(response, 4))
    assert "Row 4, record tags: “XYZ”" in unescape(page_html(response))
    before = row_counts()
    refused = paste_save(ana, hundred, response)
    assert refused.status_code == 200
    assert row_counts() == before
    # Emptied in the preview, the word is left out and the row saves.
    assert paste_save(ana, hundred, refused, **{"form-3-records": ""}).status_code == 302
    assert hundred.results.get(place=4).records == ""


# A line whose name ends as a tag does, and the name, record tags and note read from it.
NAMES_LIKE_TAGS = [
    ("1 Kevin MR (USA) 10.05 MR", "Kevin MR", "MR", ""),
    ("1 Kevin MR USA 10.05", "Kevin MR", "", ""),
    ("1 Sam Q (USA) 10.05", "Sam Q", "", ""),
    ("1 Sam Q USA 10.05 -0.2 Q", "Sam Q", "", "Q"),
]


@pytest.mark.parametrize(("line", "name", "records", "note"), NAMES_LIKE_TAGS)
def test_a_name_ending_in_a_tags_letters_is_left_whole(ana, line, name, records, note):
    hundred = event_in("100")
    response = paste_preview(ana, hundred, line)
    form = response.context["formset"].forms[0]
    assert not form.errors
    assert (form["name"].value(), form["records"].value(), form["note"].value()) == (
        name,
        records,
        note,
    )
    assert paste_save(ana, hundred, response).status_code == 302
    result = hundred.results.get()
    assert (result.athlete.name, result.records, result.note) == (name.title(), records, note)


# Tags printed elsewhere than after the wind, as many sheets print them: between the mark
# and the wind, or in brackets. Each is read as the same tags after the wind are.

# A line's tail as a sheet prints it, and as it reads with the tags after the wind.
TAGS_ELSEWHERE = [
    ("10.05 Q -0.2", "10.05 -0.2 Q"),
    ("10.05 q +1.1", "10.05 +1.1 q"),
    ("9.58 WR +0.9", "9.58 +0.9 WR"),
    ("10.05 PB (+0.3)", "10.05 (+0.3) PB"),
    ("10.05 NR -0.2 Q", "10.05 -0.2 NR Q"),
    ("10.05 (Q)", "10.05 Q"),
    ("10.05 [WR]", "10.05 WR"),
    ("10.05 (PB)", "10.05 PB"),
    ("10.05(q)", "10.05 q"),
    ("10.05 (+0.3) (Q)", "10.05 (+0.3) Q"),
    ("10.05 (Q) -0.2", "10.05 -0.2 Q"),
    ("10.05 [=WR] (+1.1)", "10.05 (+1.1) =WR"),
    ("10.05 (NR, Q)", "10.05 NR Q"),
    ("10.05 (SB) +0.3 (q)", "10.05 +0.3 SB q"),
]
READ_FIELDS = ("place", "name", "nation", "mark", "wind", "records", "note", "left_out")


@pytest.mark.parametrize(("printed", "after_the_wind"), TAGS_ELSEWHERE)
def test_tags_between_the_mark_and_the_wind_or_in_brackets_read_as_after_the_wind(
    ana, printed, after_the_wind
):
    hundred = event_in("100")
    expected = paste_preview(ana, hundred, f"1 Fred Fox USA {after_the_wind}")
    response = paste_preview(ana, hundred, f"1 Fred Fox USA {printed}")
    form, read_before = (r.context["formset"].forms[0] for r in (response, expected))
    assert not form.errors
    assert [form[name].value() for name in READ_FIELDS] == [
        read_before[name].value() for name in READ_FIELDS
    ]
    assert form["mark"].value() in ("10.05", "9.58")
    # Each in its column of the preview: the wind, the record tags, the note, and what is
    # left out said so.
    row = unescape(row_html(response, 1))
    for name in ("wind", "records", "note"):
        if form[name].value():
            assert f'name="form-0-{name}" value="{form[name].value()}"' in row
    if form["left_out"].value():
        assert f"Not saved: {form['left_out'].value()}" in row
    assert paste_save(ana, hundred, response).status_code == 302
    result = hundred.results.get()
    wind = form["wind"].value()
    assert (result.wind, result.records, result.note) == (
        Decimal(wind) if wind else None,
        form["records"].value(),
        form["note"].value(),
    )


def test_a_semi_final_sheet_with_tags_before_the_wind_and_in_brackets_is_read(ana):
    hundred = event_in("100")
    lines = "\n".join(
        [
            "1 Ed Ewing USA 9.98 Q -0.2",
            "2 Bob Brown (JAM) 10.02 (Q) -0.2",
            "3 Carl Cole USA 10.05 PB q -0.2",
            "4 Dan Dale USA 10.11 (SB) -0.2",
            "5 Fred Fox USA 10.20 -0.2",
        ]
    )
    response = paste_preview(ana, hundred, lines)
    forms = response.context["formset"].forms
    assert not any(form.errors for form in forms)
    assert [
        (form["name"].value(), form["nation"].value(), form["note"].value()) for form in forms
    ] == [
        ("Ed Ewing", "USA", "Q"),
        ("Bob Brown", "JAM", "Q"),
        ("Carl Cole", "USA", "q"),
        ("Dan Dale", "USA", ""),
        ("Fred Fox", "USA", ""),
    ]
    assert "Not saved: PB" in row_html(response, 3)
    assert "Not saved: SB" in row_html(response, 4)
    assert paste_save(ana, hundred, response).status_code == 302
    assert list(hundred.results.order_by("place").values_list("mark", "wind", "note")) == [
        (9_980, Decimal("-0.2"), "Q"),
        (10_020, Decimal("-0.2"), "Q"),
        (10_050, Decimal("-0.2"), "q"),
        (10_110, Decimal("-0.2"), ""),
        (10_200, Decimal("-0.2"), ""),
    ]


# A word in brackets, or between the mark and the wind, that is no tag the paste reads.
JUNK_TAGS = [
    ("1 Fred Fox USA 10.05 (foo)", "foo"),
    ("1 Fred Fox USA 10.05 [foo] +0.3", "foo"),
    ("1 Fred Fox USA 10.05 (+0.3) (foo)", "foo"),
    ("1 Bob Brown (JAM) 10.05 (foo)", "foo"),
    ("1 Fred Fox USA 10.05 foo -0.2", "foo"),
]


@pytest.mark.parametrize(("line", "word"), JUNK_TAGS)
def test_a_word_in_brackets_that_is_no_tag_is_a_row_error_naming_it(ana, line, word):
    hundred = event_in("100")
    response = paste_preview(ana, hundred, line)
    form = response.context["formset"].forms[0]
    # The nation and the name are read as ever: the word is no nation.
    assert form["nation"].value() in ("USA", "JAM")
    assert form["name"].value() in ("Fred Fox", "Bob Brown")
    assert form["mark"].value() == "10.05"
    row = unescape(row_html(response, 1))
    assert f"“{word}” is no record tag" in row
    assert line in row
    assert f"Row 1, record tags: “{word}”" in page_html(response)
    before = row_counts()
    assert paste_save(ana, hundred, response).status_code == 200
    assert row_counts() == before


# Lines whose words after the mark are each a wind or a tag, but not as one wind and tags:
# the words the paste cannot place.
AMBIGUOUS_TAILS = [
    ("1 Fred Fox USA 10.05 (+0.3 Q)", "(+0.3 Q)"),
    ("1 Fred Fox USA 10.05 (Q +0.3)", "(Q +0.3)"),
    ("1 Fred Fox USA 10.05 +0.3 Q -0.2", "+0.3 Q -0.2"),
    ("1 Fred Fox USA 10.05 (+0.3) Q (-0.2)", "(+0.3) Q (-0.2)"),
]


@pytest.mark.parametrize(("line", "words"), AMBIGUOUS_TAILS)
def test_a_line_with_two_winds_or_a_wind_and_a_tag_in_one_bracket_is_a_row_error(ana, line, words):
    hundred = event_in("100")
    response = paste_preview(ana, hundred, line)
    message = f"“{line}” cannot be read: after the mark 10.05, “{words}” is not one wind"
    assert message in unescape(row_html(response, 1))
    assert f"Row 1, mark: {message}" in page_html(response)
    # The columns to type them in are there.
    assert all(f'name="form-0-{name}"' in row_html(response, 1) for name in ("wind", "note"))
    before = row_counts()
    refused = paste_save(ana, hundred, response)
    assert refused.status_code == 200
    assert row_counts() == before
    # Typed in their own columns, the mark, the wind and the tag save.
    corrected = {"form-0-mark": "10.05", "form-0-wind": "+0.3", "form-0-note": "Q"}
    assert paste_save(ana, hundred, refused, **corrected).status_code == 302
    result = hundred.results.get()
    assert (result.mark, result.wind, result.note) == (10_050, Decimal("0.3"), "Q")


def test_a_time_in_units_that_does_not_read_keeps_the_marks_own_message(ana, final_2001):
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1 h 99' 07.5")
    row = unescape(row_html(response, 1))
    assert "cannot be read" not in row
    assert "is not a valid mark for 20 km race walk" in row


# Matching names: an exact match is chosen, a near one only offered.

# Names as a sheet may write them, and the athlete of the archive each one is.
NAMES_WRITTEN_OTHERWISE = [
    ("Jefferson Perez", "jefferson-perez"),
    ("PÉREZ Jefferson", "jefferson-perez"),
    ("Fernández Francisco Javier", "francisco-javier-fernandez"),
]
NEAR_MISSES = [
    ("Jeferson Perez", "jefferson-perez"),
    ("Jefferson Peres", "jefferson-perez"),
    ("Francisco Fernández", "francisco-javier-fernandez"),
    ("J. Pérez", "jefferson-perez"),
    ("Ilia Markov", "ilya-markov"),
]


def first_row(client, event, line):
    """The form and the table row of a one-line sheet's preview."""
    response = paste_preview(client, event, line)
    return response.context["formset"].forms[0], row_html(response, 1)


@pytest.mark.parametrize(("name", "athlete"), NAMES_WRITTEN_OTHERWISE)
def test_a_name_written_otherwise_is_matched(ana, final_2001, name, athlete):
    form, row = first_row(ana, final_2001, f"1. {name} (ECU) 1:20:00")
    assert slug(form["athlete"].value()) == athlete
    assert not form.creates_athlete
    assert "new athlete</span>" not in row


@pytest.mark.parametrize(("name", "athlete"), NEAR_MISSES)
def test_a_near_miss_is_suggested_and_not_chosen(ana, final_2001, name, athlete):
    form, row = first_row(ana, final_2001, f"1. {name} (ESP) 1:20:00")
    assert form["athlete"].value() == ""
    assert athlete in [suggested.slug for suggested in form.suggested_athletes]
    assert len(form.suggested_athletes) <= 3
    suggested = Athlete.objects.get(slug=athlete)
    # A radio button for it, named as the picker names athletes, and none checked but
    # "none of these".
    assert f'value="{suggested.pk}"' in row
    assert suggested.autocomplete_label in row
    assert re.search(r'<input type="radio"[^>]*value=""[^>]*checked', row)
    assert not re.search(rf'<input type="radio"[^>]*value="{suggested.pk}"[^>]*checked', row)
    assert "new athlete</span>" in row


def test_no_stranger_is_suggested(ana, final_2001):
    response = paste_preview(
        ana, final_2001, "1. Julio Molina (ESP) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00"
    )
    assert [form.suggested_athletes for form in response.context["formset"].forms] == [[], []]


def test_an_accepted_suggestion_is_saved_for_that_athlete(ana, final_2001, perez):
    response = paste_preview(ana, final_2001, "1. Jeferson Perez (EC) 1:20:00")
    athletes = Athlete.objects.count()
    saved = paste_save(ana, final_2001, response, **{"form-0-suggestion": str(perez.pk)})
    assert saved.status_code == 302
    result = final_2001.results.get()
    assert result.athlete == perez
    assert result.country.code == "ECU"
    assert Athlete.objects.count() == athletes


def test_a_near_miss_left_alone_becomes_a_new_athlete(ana, final_2001, perez):
    response = paste_preview(ana, final_2001, "1. Jeferson Perez (EC) 1:20:00")
    assert paste_save(ana, final_2001, response).status_code == 302
    assert final_2001.results.get().athlete.slug == "jeferson-perez"


def test_the_picker_and_a_suggestion_naming_two_athletes_is_a_row_error(ana, final_2001, perez):
    markov = Athlete.objects.get(slug="ilya-markov")
    response = paste_preview(ana, final_2001, "1. Jeferson Perez (EC) 1:20:00")
    refused = paste_save(
        ana,
        final_2001,
        response,
        **{"form-0-suggestion": str(perez.pk), "form-0-athlete": markov.pk},
    )
    assert refused.status_code == 200
    assert "Row 1, athlete: Choose one athlete" in page_html(refused)
    assert not final_2001.results.exists()


def test_the_row_that_adds_an_athlete_wears_a_badge(ana, final_2001):
    response = paste_preview(
        ana, final_2001, "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00"
    )
    assert "new athlete</span>" not in row_html(response, 1)
    assert "new athlete</span>" in row_html(response, 2)
    assert "1 new athlete" in page_text(response)


def test_each_row_picks_its_athlete_with_the_autocomplete_of_the_events_sex(ana, final_2001):
    _form, row = first_row(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    assert 'class="admin-autocomplete"' in row
    assert 'data-ajax--url="/admin/autocomplete/?sex=M"' in row
    assert "Markov, Ilya · RUS" in row


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999999", "987654"])
def test_a_tampered_athlete_is_a_row_error(ana, final_2001, value):
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    before = row_counts()
    refused = paste_save(ana, final_2001, response, **{"form-0-athlete": value})
    assert refused.status_code == 200
    assert "Row 1, athlete: Select an athlete of the archive" in refused.content.decode()
    assert row_counts() == before


def test_a_tampered_suggestion_is_a_row_error(ana, final_2001):
    markov = Athlete.objects.get(slug="ilya-markov")
    response = paste_preview(ana, final_2001, "1. Jeferson Perez (EC) 1:20:00")
    refused = paste_save(ana, final_2001, response, **{"form-0-suggestion": str(markov.pk)})
    assert refused.status_code == 200
    assert "Row 1, near matches: Select a valid choice." in refused.content.decode()
    assert not final_2001.results.exists()


# The sheet as a whole: its source, its event's state, its size.


def test_every_saved_result_cites_the_source(ana, final_2001):
    source = SourceFactory(title="Official results, 20 km walk")
    lines = (
        "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00\nDNF Daniel Garcia (MEX)"
    )
    response = paste_preview(ana, final_2001, lines, source=source.pk)
    assert "Official results, 20 km walk" in response.content.decode()
    assert paste_save(ana, final_2001, response).status_code == 302
    results = final_2001.results.prefetch_related("sources")
    assert len(results) == 3
    assert all(list(result.sources.all()) == [source] for result in results)
    # The citations are in the results' history, which the event's history page shows.
    history = ana.get(reverse("admin:results_event_history", args=[final_2001.pk]))
    assert history.status_code == 200
    assert "Official results, 20 km walk" in history.content.decode()


def test_a_tampered_source_is_refused(ana, final_2001):
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    refused = paste_save(ana, final_2001, response, source="99999999999999999999999")
    assert refused.status_code == 200
    assert not final_2001.results.exists()


def test_a_paste_saved_after_its_event_changed_is_refused(ana, final_2001):
    stored = ResultFactory(event=final_2001, place=9, mark=4_900_000)
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    assert save_change(editor_session("ben"), stored, note="Photo.").status_code == 302
    before = row_counts()
    refused = paste_save(ana, final_2001, response)
    assert refused.status_code == 200
    page = page_html(refused)
    assert "Since this page was shown, others changed the rows it is about" in page
    assert "ben" in page and "note" in page
    assert row_counts() == before
    # The page now vouches for the event as it is: saving again goes through.
    assert paste_save(ana, final_2001, refused).status_code == 302
    assert final_2001.results.count() == 2


def test_a_forged_token_is_refused(ana, final_2001):
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    refused = paste_save(ana, final_2001, response, token="forged")
    assert refused.status_code == 200
    assert "out of date or was altered" in refused.content.decode()
    assert not final_2001.results.exists()


def test_the_paste_is_one_revision_in_the_events_history(ana, final_2001):
    lines = "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00"
    response = paste_preview(ana, final_2001, lines)
    revisions = set(Revision.objects.values_list("pk", flat=True))
    assert paste_save(ana, final_2001, response).status_code == 302
    revision = Revision.objects.exclude(pk__in=revisions).get()
    assert revision.kind == Revision.Kind.PASTE
    assert {record.instance for record in Result.history.filter(revision=revision)} == set(
        final_2001.results.all()
    )
    history = ana.get(reverse("admin:results_event_history", args=[final_2001.pk]))
    assert history.status_code == 200
    assert "Pasted a result list into" in history.content.decode()


def lines_of(count):
    """A sheet of `count` new walkers, a second apart."""
    return "\n".join(
        f"{place}. Walker{place} Tester (GUA) 1:{20 + place // 60:02d}:{place % 60:02d}"
        for place in range(1, count + 1)
    )


def test_a_500_line_paste_previews_in_few_queries_and_saves(
    ana, final_2001, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = paste_preview(ana, final_2001, lines_of(500))
    assert len(response.context["formset"].forms) == 500
    assert not response.context["formset"].non_form_errors()
    source = SourceFactory()
    saved = paste_save(ana, final_2001, response, source=source.pk)
    assert saved.status_code == 302
    assert final_2001.results.count() == 500
    assert Result.sources.through.objects.filter(source=source).count() == 500
    assert final_2001.results.get(place=500).mark == 4_800_000 + 500 * 1000


def test_a_paste_longer_than_the_cap_is_refused(ana, final_2001):
    response = paste_preview(ana, final_2001, lines_of(1001))
    assert "At most 1000 lines per paste" in response.content.decode()
    assert response.context["formset"] is None


def test_a_name_longer_than_any_stored_is_a_row_error_not_a_server_error(ana, final_2001):
    # SQLite refuses a LIKE pattern over 50,000 bytes: such a word was searched as a name.
    response = paste_preview(ana, final_2001, f"1. Ilya {'M' * 60_000} (RUS) 1:20:00")
    assert "at most 210 characters" in response.context["formset"].forms[0].errors["name"][0]
    assert "has-errors" in row_html(response, 1)


def test_a_forged_row_count_is_refused(ana, final_2001):
    response = paste_preview(ana, final_2001, "1. Ilya Markov (RUS) 1:20:00")
    refused = paste_save(ana, final_2001, response, **{"form-TOTAL_FORMS": "100000"})
    assert refused.status_code == 400
    assert not final_2001.results.exists()


def test_an_event_id_that_is_not_one_is_not_found(ana):
    assert ana.get("/admin/results/event/abc/paste/").status_code == 404


def test_a_paste_into_a_womens_race_matches_women(ana, reference_data):
    event = EventFactory(sex="W", competition=CompetitionFactory(year=2001))
    walker = AthleteFactory(given_name="Maria", family_name="Andante", sex="W")
    AthleteFactory(given_name="Mario", family_name="Andante", sex="M")
    response = paste_preview(
        ana, event, "1. Maria Andante (GUA) 1:30:00\n2. Mari Andante (GUA) 1:31:00"
    )
    first, second = response.context["formset"].forms
    assert int(first["athlete"].value()) == walker.pk
    assert second.suggested_athletes == [walker]
    assert 'data-ajax--url="/admin/autocomplete/?sex=W"' in row_html(response, 1)


def test_a_result_of_another_event_is_not_touched(ana, final_2001):
    other = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    results = list(other.results.values_list("pk", "version"))
    response = paste_preview(ana, final_2001, "1. Jefferson Pérez (ECU) 1:20:00")
    assert paste_save(ana, final_2001, response).status_code == 302
    assert list(other.results.values_list("pk", "version")) == results


def test_new_athletes_sharing_a_name_get_slugs_of_their_own(ana, final_2001):
    AthleteFactory(given_name="Other", family_name="Walker", slug="newcomer-walker")
    lines = "1. Newcomer Walker (GUA) 1:20:00\n2. Newcomer Walker (MEX) 1:21:00"
    response = paste_preview(ana, final_2001, lines)
    assert paste_save(ana, final_2001, response).status_code == 302
    slugs = sorted(final_2001.results.values_list("athlete__slug", flat=True))
    assert slugs == ["newcomer-walker-2", "newcomer-walker-3"]


def test_a_pasted_time_keeps_its_decimals_and_a_sprint_to_the_tenth_needs_its_h(
    ana, reference_data
):
    race = EventFactory(discipline=Discipline.objects.get(code="1500"), sex="M")
    AthleteFactory(given_name="Ed", family_name="Ewing", sex="M")
    saved = paste_save(ana, race, paste_preview(ana, race, "1 Ed Ewing USA 3:45.10"))
    assert saved.status_code == 302
    assert race.results.get().mark_display == "3:45.10"

    dash = EventFactory(discipline=Discipline.objects.get(code="100"), sex="M")
    preview = paste_preview(ana, dash, "1 Ed Ewing USA 10.2 +0.3")
    assert "a time to the tenth or the second is a hand time" in unescape(row_html(preview, 1))
    saved = paste_save(ana, dash, paste_preview(ana, dash, "1 Ed Ewing USA 10.2h +0.3"))
    assert saved.status_code == 302
    assert dash.results.get().mark_display == "10.2"


def test_every_field_of_the_preview_is_described_by_text_on_the_page(ana):
    # A screen reader reads a field's described-by aloud: an id the page lacks reads nothing.
    hundred = event_in("100")
    lines = (
        "1 Carl Cole USA 10.05 +0.3 WR\n2 Dan Dix USA 10.1h\n3 Eli Eaton USA 10.12 XYZ\n"
        "4 Finn Ford USA 10.15 A"
    )
    for response in (ana.get(paste_url(hundred)), paste_preview(ana, hundred, lines)):
        assert b"aria-describedby" in response.content
        assert undescribed(response) == []
