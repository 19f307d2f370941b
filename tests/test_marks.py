"""Marks are typed as sources write them and shown again without invented precision."""

import pytest
from django.core.exceptions import ValidationError

from results.marks import average_speed_kmh, format_mark, parse_mark
from results.models import Discipline

pytestmark = pytest.mark.django_db


def discipline(code):
    return Discipline.objects.get(code=code)


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
        ("10000W", "38'37''", 2_317_000, "38:37"),
        ("20KW", "1 h 20′ 07″", 4_807_000, "1:20:07"),
        # The usual ones.
        ("20KW", "1:17:21", 4_641_000, "1:17:21"),
        ("10000W", "38:24.35", 2_304_350, "38:24.35"),
        ("100", "9.58", 9_580, "9.58"),
        ("100", "9.50", 9_500, "9.50"),
        ("LJ", "8.95", 8_950, "8.95"),
        ("LJ", "8,95", 8_950, "8.95"),
        ("LJ", "8.95 m", 8_950, "8.95"),
        ("HJ", "2.45", 2_450, "2.45"),
        ("DEC", "8045", 8_045, "8045"),
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


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("20KW", "abc"),
        ("20KW", ""),
        ("20KW", "17:21"),  # a 20 km walk in 17 minutes is a typo, not a record
        ("10000W", "17:21"),  # 34.6 km/h: a plausible run, not a walk
        ("20KW", "1 h 17' 21' 4\""),
        ("LJ", "1:17"),
        ("DEC", "8045.5"),
        ("100", "9,5,8"),
    ],
)
def test_a_malformed_mark_names_what_was_typed_and_what_is_expected(reference_data, code, typed):
    with pytest.raises(ValidationError) as raised:
        parse_mark(typed, discipline(code))
    message = raised.value.messages[0]
    assert f"“{typed}”" in message
    assert "expected" in message
