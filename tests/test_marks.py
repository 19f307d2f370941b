"""Marks are typed as sources write them and shown again without invented precision."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from results.marks import (
    STATUSES_TYPED,
    average_speed_kmh,
    check_mark_value,
    format_mark,
    parse_mark,
    parse_wind,
)
from results.models import Discipline, Result

pytestmark = pytest.mark.django_db


def discipline(code):
    return Discipline.objects.get(code=code)


def refusal(check, mark, code):
    """The message `check` (parse_mark or check_mark_value) refuses `mark` with."""
    with pytest.raises(ValidationError) as raised:
        check(mark, discipline(code))
    [message] = raised.value.messages
    return message


@pytest.mark.parametrize(
    ("code", "typed", "stored", "shown"),
    [
        # The seed page's notations.
        ("20KW", "1 h 17' 21\"", 4_641_000, "1:17:21"),
        ("10KW", "38' 24\"", 2_304_000, "38:24"),
        ("5000W", "18' 46\"", 1_126_000, "18:46"),
        ("20KW", "1 h 18'' 42\"", 4_722_000, "1:18:42"),
        ("50KW", "3 h 53' 04\"", 13_984_000, "3:53:04"),
        ("10000W", "00 h 38' 37\"", 2_317_000, "38:37"),
        ("10KW", "00 h 38' 24\"", 2_304_000, "38:24"),
        ("10000W", "38'37''", 2_317_000, "38:37"),
        ("20KW", "1 h 20′ 07″", 4_807_000, "1:20:07"),
        ("20KW", "1 h 20' 7\"", 4_807_000, "1:20:07"),  # the seconds mark names the 7
        # Points with a thousands separator: a space of any width, a comma, or a point
        # before exactly three digits (a score has no decimals to mistake it for).
        ("DEC", "8 847", 8_847, "8847"),
        ("DEC", "8\u00a0847", 8_847, "8847"),  # no-break space
        ("DEC", "8\u202f847", 8_847, "8847"),  # narrow no-break space
        ("DEC", "8\u2009847", 8_847, "8847"),  # thin space
        ("DEC", "8,847", 8_847, "8847"),
        ("DEC", "8.847", 8_847, "8847"),
        ("HEP", "7 291", 7_291, "7291"),
        # Hours with a unit, then minutes and seconds with a colon.
        ("MAR", "3h38:29", 13_109_000, "3:38:29"),
        ("MAR", "2h08:30", 7_710_000, "2:08:30"),
        ("MAR", "3 h 38:29", 13_109_000, "3:38:29"),
        ("MAR", "2H08:30", 7_710_000, "2:08:30"),
        ("20KW", "1h17:21.5", 4_641_500, "1:17:21.5"),
        ("20KW", "1 h 17:21,5", 4_641_500, "1:17:21.5"),
        # The usual ones.
        ("20KW", "1:17:21", 4_641_000, "1:17:21"),
        ("10000W", "38:24.35", 2_304_350, "38:24.35"),
        ("100", "9.58", 9_580, "9.58"),
        ("100", "9.50", 9_500, "9.50"),
        ("LJ", "8.95", 8_950, "8.95"),
        ("LJ", "8,95", 8_950, "8.95"),
        ("LJ", "8.95 m", 8_950, "8.95"),
        ("LJ", "8.950", 8_950, "8.95"),  # a zero claims no finer measure
        ("10000W", "0:38:37", 2_317_000, "38:37"),
        ("20KW", "1:59:59.99", 7_199_990, "1:59:59.99"),
        ("HJ", "2.45", 2_450, "2.45"),
        ("DEC", "8045", 8_045, "8045"),
        # Throws of 100 m and more: three digits before the point.
        ("JT", "104.80", 104_800, "104.80"),
        ("JT", "104,80", 104_800, "104.80"),
        ("JT", "104.80 m", 104_800, "104.80"),
        ("HT", "100.00", 100_000, "100.00"),
    ],
)
def test_each_notation_parses_and_formats_back(reference_data, code, typed, stored, shown):
    walk = discipline(code)
    assert parse_mark(typed, walk) == stored
    assert format_mark(stored, walk) == shown


def test_long_race_keeps_only_the_decimals_the_source_gave(reference_data):
    assert (
        format_mark(parse_mark("1:17:21.5", discipline("20KW")), discipline("20KW")) == "1:17:21.5"
    )


def test_hand_timed_sprint_is_shown_to_the_tenth(reference_data):
    sprint = discipline("100")
    assert format_mark(parse_mark("10.4", sprint), sprint, hand_timed=True) == "10.4"
    assert format_mark(parse_mark("10.4", sprint), sprint) == "10.40"


def test_average_speed_of_the_twenty_km_world_record_of_2003(reference_data):
    assert str(average_speed_kmh(4_641_000, discipline("20KW"))) == "15.514"


def test_field_events_have_no_average_speed(reference_data):
    assert average_speed_kmh(8_950, discipline("LJ")) is None


# Why a typed mark is refused: it does not read as the discipline's marks are written (the
# message then says what is expected), or it is finer than the archive keeps.
MALFORMED = "expected"
TOO_FINE = "it has 3 decimals, and the archive keeps"


@pytest.mark.parametrize(
    ("code", "typed", "reason"),
    [
        ("20KW", "abc", MALFORMED),
        ("20KW", "", MALFORMED),
        ("20KW", "17:21", MALFORMED),  # a 20 km walk in 17 minutes is a typo, not a record
        ("10000W", "17:21", MALFORMED),  # 34.6 km/h: a plausible run, not a walk
        ("20KW", "1 h 17' 21' 4\"", MALFORMED),
        ("LJ", "1:17", MALFORMED),
        ("DEC", "8045.5", MALFORMED),
        ("100", "9,5,8", MALFORMED),
        ("DEC", "8.84", MALFORMED),
        ("DEC", "8 84", MALFORMED),
        ("DEC", "88 47", MALFORMED),
        ("DEC", "8 8470", MALFORMED),
        ("DEC", "8 847.5", MALFORMED),
        ("DEC", "8,847.0", MALFORMED),
        ("DEC", "8 847 1", MALFORMED),
        ("LJ", "8 95", MALFORMED),  # a thousands separator only in points
        ("MAR", "3h38:29:10", MALFORMED),
        ("MAR", "3:38h29", MALFORMED),
        ("MAR", "h38:29", MALFORMED),
        ("MAR", '3h 38:29"', MALFORMED),
        ("MAR", "3h38'29:10", MALFORMED),
        ("MAR", "3.5h38:29", MALFORMED),
        ("MAR", "3h38:", MALFORMED),
        ("20KW", "1:17:21.005", TOO_FINE),
        ("10000W", "38:24.355", TOO_FINE),
        ("100", "9.572", TOO_FINE),
        ("LJ", "8.955", TOO_FINE),
        ("LJ", "8,955", TOO_FINE),
        ("HJ", "2.455", TOO_FINE),
        ("LJ", "8.847", TOO_FINE),  # a decimal point, not a thousands separator, in metres
        ("LJ", "8,847", TOO_FINE),
    ],
)
def test_a_refused_mark_names_what_was_typed_and_why(reference_data, code, typed, reason):
    message = refusal(parse_mark, typed, code)
    assert message.startswith(f"“{typed}” is not a valid mark for")
    assert reason in message


@pytest.mark.parametrize(
    ("code", "typed"),
    [("100", "25:00:00"), ("100", "1:2:3:4"), ("20KW", "1:2:3:4"), ("LJ", "8..9")],
)
def test_a_malformed_mark_says_what_is_expected_in_the_editors_words(reference_data, code, typed):
    message = refusal(parse_mark, typed, code)
    assert MALFORMED in message
    # Neither Python's nor athlib's words for a shape: "could not convert string to float".
    assert "convert" not in message and "Illegal numeric pattern" not in message


def test_what_athlib_finds_of_the_mark_itself_is_kept(reference_data):
    assert "too fast for 100" in refusal(parse_mark, "5.20", "100")


@pytest.mark.parametrize(
    ("code", "typed", "part"),
    [
        ("20KW", "1:99:00", "99 minutes is more than 59"),
        ("20KW", "1:32:75", "75 seconds is more than 59"),
        ("20KW", "99:99", "99 seconds is more than 59"),  # minutes:seconds for a 20 km walk
        ("20KW", "1:60:00", "60 minutes is more than 59"),
        ("20KW", "1:17:60", "60 seconds is more than 59"),
        ("20KW", "0:99:00", "99 minutes is more than 59"),  # a zero hour still leads
        ("20KW", "1 h 75' 00\"", "75 minutes is more than 59"),
        ("20KW", "00 h 99' 00\"", "99 minutes is more than 59"),
        ("10000W", "38' 75\"", "75 seconds is more than 59"),
        ("10000W", "38.75", "75 seconds is more than 59"),
        ("MAR", "3h38:75", "75 seconds is more than 59"),
        ("MAR", "3h99:00", "99 minutes is more than 59"),  # athlib reads the stop as a colon
    ],
)
def test_minutes_and_seconds_after_the_leading_unit_run_to_59(reference_data, code, typed, part):
    message = refusal(parse_mark, typed, code)
    assert message == f"“{typed}” is not a valid mark for {discipline(code).name}: {part}."


@pytest.mark.parametrize(
    ("code", "typed", "reason"),
    [
        # athlib's bound: a fifth beyond the world record it knows (the javelin's is Uwe
        # Hohn's 104.80 of 1984, with the old javelin), so no throw beyond 125.76 m.
        ("JT", "125.77", "125.77 m is more than a fifth beyond the world record of 104.80 m"),
        ("DT", "100.00", "100.00 m is more than a fifth beyond the world record of 76.80 m"),
        ("LJ", "12.00", "12.00 m is more than a fifth beyond the world record of 8.95 m"),
    ],
)
def test_a_distance_far_beyond_the_world_record_is_refused(reference_data, code, typed, reason):
    message = refusal(parse_mark, typed, code)
    assert message == f"“{typed}” is not a valid mark for {discipline(code).name}: {reason}."


def test_a_javelin_throw_up_to_a_fifth_beyond_the_record_reads(reference_data):
    assert parse_mark("125.76", discipline("JT")) == 125_760


@pytest.mark.parametrize(
    ("code", "typed", "reason"),
    [
        # A slip of the point or the unit: under a twenty-fifth of the world record.
        ("LJ", "0.01", "0.01 m is under a twenty-fifth of the world record of 8.95 m"),
        ("HJ", "0,05", "0.05 m is under a twenty-fifth of the world record of 2.45 m"),
        ("JT", "4.1", "4.10 m is under a twenty-fifth of the world record of 104.80 m"),
    ],
)
def test_a_distance_far_short_of_any_mark_is_refused(reference_data, code, typed, reason):
    message = refusal(parse_mark, typed, code)
    assert message == f"“{typed}” is not a valid mark for {discipline(code).name}: {reason}."


@pytest.mark.parametrize(
    ("code", "typed", "stored"),
    [("LJ", "0.36", 360), ("HJ", "0.60", 600), ("JT", "5.12", 5_120), ("SP", "2.10", 2_100)],
)
def test_the_short_marks_of_the_oldest_and_youngest_athletes_read(
    reference_data, code, typed, stored
):
    assert parse_mark(typed, discipline(code)) == stored


@pytest.mark.parametrize("typed", ["104..80", "1.04.80", "104.80.1", "-104.80", "104.8a"])
def test_a_malformed_throw_of_three_digits_says_what_is_expected(reference_data, typed):
    message = refusal(parse_mark, typed, "JT")
    assert message.startswith(f"“{typed}” is not a valid mark for Javelin throw: expected")


@pytest.mark.parametrize(
    ("code", "typed", "advice"),
    [
        ("MAR", "2:09:3", "write the seconds with two digits: 2:09:03 or 2:09:30?"),
        ("20KW", "1:20:7", "write the seconds with two digits: 1:20:07?"),
        ("20KW", "1:9:30", "write the minutes with two digits: 1:09:30?"),
        ("20KW", "1:3:30", "write the minutes with two digits: 1:03:30 or 1:30:30?"),
        ("10000W", "38:4.35", "write the seconds with two digits: 38:04.35?"),
        ("10000W", "38:4,35", "write the seconds with two digits: 38:04,35?"),
        ("MAR", "2:09:0", "write the seconds with two digits: 2:09:00?"),
        ("MAR", "2:09:003", "write the seconds with two digits"),
        ("MAR", "2:009:03", "write the minutes with two digits"),
        ("MAR", "3h8:29", "write the minutes with two digits: 3:08:29?"),
        ("MAR", "3h38:2", "write the seconds with two digits: 3:38:02 or 3:38:20?"),
    ],
)
def test_a_part_after_a_colon_has_two_digits(reference_data, code, typed, advice):
    # Not padded unseen: a dropped trailing zero (2:09:3 for 2:09:30) is as likely as a
    # dropped leading one.
    message = refusal(parse_mark, typed, code)
    ending = "" if advice.endswith("?") else "."
    assert message == f"“{typed}” is not a valid mark for {discipline(code).name}: {advice}{ending}"


@pytest.mark.parametrize("typed", ["1:2x:00", "1:2o:00", "1:20:7x"])
def test_a_letter_after_a_colon_is_not_offered_as_a_missing_digit(reference_data, typed):
    # "1:02x:00?" is no reading of a mark: the editor is told what a time looks like.
    message = refusal(parse_mark, typed, "20KW")
    assert message.startswith(f"“{typed}” is not a valid mark for 20 km race walk: expected")


@pytest.mark.parametrize(
    ("code", "typed", "status"),
    [
        ("100", "DNF", "DNF (Did not finish)"),
        ("20KW", "dnf", "DNF (Did not finish)"),
        ("100", "DNS", "DNS (Did not start)"),
        ("100", "DQ", "DQ (Disqualified)"),
        ("20KW", "DSQ", "DQ (Disqualified)"),
        ("20KW", "Dsq", "DQ (Disqualified)"),
        ("LJ", "NM", "NM (No mark)"),
        ("HJ", "NH", "NM (No mark)"),  # no height: the high jump's and pole vault's no mark
        ("PV", "nh", "NM (No mark)"),
        ("DEC", "DNF", "DNF (Did not finish)"),
    ],
)
def test_a_status_typed_as_a_mark_says_to_choose_the_status(reference_data, code, typed, status):
    message = refusal(parse_mark, typed, code)
    assert message == (
        f"“{typed}” is a status, not a mark: leave the mark empty and choose the status {status}."
    )


def test_every_status_a_mark_box_may_hold_is_one_a_result_has():
    assert set(STATUSES_TYPED.values()) <= set(Result.Status.values) - {"OK"}


@pytest.mark.parametrize(
    ("code", "typed", "mark"),
    [
        ("100", "10.1h", "10.1"),
        ("100", "10.1 h", "10.1"),
        ("200", "20.1H", "20.1"),
        ("100", "10,1h", "10,1"),
        ("400", "45.2h", "45.2"),
    ],
)
def test_a_hand_time_typed_with_its_letter_says_to_tick_hand_timed(
    reference_data, code, typed, mark
):
    message = refusal(parse_mark, typed, code)
    assert message == f"“{typed}” is a hand time: type {mark} as the mark and tick “hand timed”."


@pytest.mark.parametrize(
    ("code", "typed", "mark"),
    [("800", "1:45.2h", "1:45.2"), ("10000W", "38:24.2 h", "38:24.2")],
)
def test_a_hand_time_beyond_the_sprints_is_typed_without_its_letter(
    reference_data, code, typed, mark
):
    # Only the sprints keep hand times apart, and only their results have the flag to tick.
    message = refusal(parse_mark, typed, code)
    assert message == (
        f"“{typed}” is a hand time: type {mark} as the mark (hand times are kept apart only "
        "in races up to 400 m)."
    )


def test_a_decimal_of_hours_on_the_road_is_not_taken_for_a_hand_time(reference_data):
    message = refusal(parse_mark, "2.5h", "MAR")
    assert message.startswith("“2.5h” is not a valid mark for Marathon: expected a time")


def test_the_leading_unit_has_no_upper_bound(reference_data):
    assert parse_mark("75' 00\"", discipline("10KW")) == 4_500_000  # 75 minutes: 1:15:00


def test_points_are_whole_numbers(reference_data):
    with pytest.raises(ValidationError, match="whole number of points"):
        parse_mark("8045.5", discipline("DEC"))


@pytest.mark.parametrize(
    ("code", "stored", "shown"),
    [
        ("20KW", 4_641_000, "1:17:21"),
        ("10000W", 2_304_350, "38:24.35"),
        ("100", 9_580, "9.58"),
        ("LJ", 8_950, "8.95"),
        ("DEC", 8_045, "8045"),
        ("JT", 104_800, "104.80"),
    ],
)
def test_a_stored_mark_that_reads_is_accepted_and_shown_as_it_reads(
    reference_data, code, stored, shown
):
    sport = discipline(code)
    check_mark_value(stored, sport)  # raises ValidationError for a mark it refuses
    # The admin shows the mark so, and saving that text unchanged keeps the same integer.
    assert format_mark(stored, sport) == shown
    assert parse_mark(shown, sport) == stored


@pytest.mark.parametrize(
    ("code", "stored", MALFORMED),
    [
        ("20KW", 4_641_000.0, "expected a whole number of milliseconds (1:17:21 is 4641000)"),
        ("20KW", 4_641_000.5, "expected a whole number of milliseconds"),
        ("20KW", True, "expected a whole number of milliseconds"),
        ("20KW", "4641000", "expected a whole number of milliseconds"),
        ("LJ", 8.95, "expected a whole number of millimetres (8.95 is 8950)"),
        ("20KW", 0, "a mark is a positive number of milliseconds"),
        ("20KW", -4_641_000, "a mark is a positive number of milliseconds"),
        ("20KW", 4_641_005, "it reads 1:17:21.005, and the archive keeps times to the hundredth"),
        ("LJ", 8_955, "it reads 8.955 m, and the archive keeps distances to the centimetre"),
    ],
)
def test_a_stored_mark_is_an_integer_in_the_unit_the_discipline_keeps(
    reference_data, code, stored, expected
):
    message = refusal(check_mark_value, stored, code)
    sport = discipline(code)
    assert message.startswith(f"“{stored}” is not a valid mark for {sport.name}: {expected}")


@pytest.mark.parametrize(
    ("code", "stored", "reading"),
    [
        ("20KW", 17 * 60_000 + 21_000, "17:21"),  # minutes typed for hours
        ("10000W", 17 * 60_000 + 21_000, "17:21"),  # a run, not a walk
        ("LJ", 12_000, "12.00"),
        ("DEC", 12_000, "12000"),
    ],
)
def test_an_implausible_stored_mark_is_refused_as_a_typed_one_would_be(
    reference_data, code, stored, reading
):
    message = refusal(check_mark_value, stored, code)
    assert message.startswith(f"The mark {stored} reads as {reading}. “{reading}” is not a valid")


# Wind readings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("+1.8", "1.8"),
        ("-0.3", "-0.3"),
        ("2,1", "2.1"),
        ("+2,1", "2.1"),
        ("\u22120.4", "-0.4"),  # the minus sign
        ("\u20130.4", "-0.4"),  # the en dash of PDF result sheets
        (" -0,3 m/s", "-0.3"),
        ("0", "0"),
        ("0.0", "0.0"),
    ],
)
def test_a_wind_is_read_as_sources_print_it(typed, reading):
    assert parse_wind(typed) == Decimal(reading)


@pytest.mark.parametrize("typed", ["", "  ", None])
def test_an_empty_wind_is_no_reading(typed):
    assert parse_wind(typed) is None


NO_FIGURE = "give the wind's figure (+2.4); leave it empty when the source gives none"
NO_READING = "leave the wind empty when no reading was taken"


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("w", NO_FIGURE),  # the letter of a wind-aided mark, printed without the figure
        ("W", NO_FIGURE),
        ("NWI", NO_READING),  # no wind information
        ("nwi", NO_READING),
        ("n/a", NO_READING),
        ("N/A", NO_READING),
    ],
)
def test_a_wind_word_says_what_to_type_instead(typed, advice):
    with pytest.raises(ValidationError) as raised:
        parse_wind(typed)
    assert raised.value.messages == [f"“{typed}” is not a wind reading: {advice}."]


@pytest.mark.parametrize("typed", ["calm", "1e1", "+-1.2", "1.2.3", "2,1 m", "NaN", "--0.4"])
def test_an_unreadable_wind_asks_for_a_number(typed):
    with pytest.raises(ValidationError) as raised:
        parse_wind(typed)
    assert raised.value.messages == [
        f"“{typed}” is not a wind reading. Enter a number of metres per second, such as +1.8, "
        "-0.3 or 2,1."
    ]
