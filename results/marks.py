"""
Marks as sources write them, and as the archive stores them.

A mark is stored as an integer in its discipline's unit: milliseconds for times,
millimetres for distances and heights, points for combined events. Ranking is then a plain
integer comparison. This module turns what editors and sources type into that integer and
back, without inventing precision: "1:17:21" is stored as 4 641 000 ms and shown again as
"1:17:21", never as "1:17:21.00".

Notations read (besides athlib's own "1:17:21", "38:24.35", "9.58"):

* the French and Belgian way with units: ``1 h 17' 21"``, ``38' 24"``, ``00 h 38' 24"``,
  and the typo ``1 h 18'' 42"`` that the seed page has (two primes after the minutes);
* hours with their unit before a clock's minutes and seconds: ``3h38:29``, ``3 h 38:29``;
* a decimal comma: ``8,95``; a trailing metre sign: ``8.95 m``;
* points with a thousands separator: ``8 847``, ``8,847``, ``8.847`` (in combined events
  only: a score has no decimals to mistake the separator for).

athlib checks the normalised text for the discipline (digits, ``:`` and ``.`` only, and a
plausible speed for races), so that ``17:21`` for a 20 km walk is refused as too fast.
Distances and heights are read here, since athlib's pattern takes two digits before the
point at most and would refuse every throw of 100 m or more (``104.80``); athlib's bound on
them is kept: a fifth beyond the world record it knows, and a floor is added: a twenty-fifth
of that record, so that ``0.01`` for a long jump is refused. This module adds what athlib lets
through: after the leading unit, minutes and seconds run 0-59 (athlib reads ``1:99:00`` as
2:39:00) and have two digits after a colon (athlib pads ``2:09:3`` to 2:09:03, which may as
well be 2:09:30), and no mark is finer than the archive keeps (hundredths of a second, centimetres,
whole points), since athlib rounds a third decimal away without a word.

What is no mark is refused saying what to do instead: a status typed where the mark goes
(``DNF``, ``DSQ``, ``NH``) and the letter of a hand time (``10.1h``), which the result keeps
as its status and its hand-timed flag.

`check_mark_value` runs the same checks on a mark given as the stored integer (a fixture,
`check_archive`), so every way into the archive refuses the same marks.

`parse_wind` reads the wind reading printed beside a mark (``+2,1``, ``–0.4``), the one
reading of a wind for the admin's forms and the fixtures alike.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import athlib
from athlib.utils import field_event_record
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TIME = "time"
DISTANCE = "distance"
HEIGHT = "height"
POINTS = "points"

# What each kind of mark looks like, for error messages.
EXPECTED = {
    TIME: gettext_lazy("a time such as 1:17:21, 38:24.35, 9.58 or 1 h 17' 21\""),
    DISTANCE: gettext_lazy("a distance in metres such as 8.95 or 8,95"),
    HEIGHT: gettext_lazy("a height in metres such as 2.45"),
    POINTS: gettext_lazy("a whole number of points such as 8045"),
}

# The stored unit of each kind of mark, and one mark in both forms, for error messages.
UNITS = {
    TIME: gettext_lazy("milliseconds"),
    DISTANCE: gettext_lazy("millimetres"),
    HEIGHT: gettext_lazy("millimetres"),
    POINTS: gettext_lazy("points"),
}
STORED_EXAMPLE = {
    TIME: ("1:17:21", 4_641_000),
    DISTANCE: ("8.95", 8_950),
    HEIGHT: ("2.45", 2_450),
    POINTS: ("8045", 8_045),
}

# The finest mark the archive keeps: times to the hundredth of a second (the rules round a
# thousandth up: 9.572 is 9.58), distances and heights to the centimetre (a measured
# 8.955 is 8.95), combined events in whole points.
DECIMALS = {TIME: 2, DISTANCE: 2, HEIGHT: 2, POINTS: 0}
MAX_DECIMALS = DECIMALS[TIME]
STORED_STEP = {TIME: 10, DISTANCE: 10, HEIGHT: 10, POINTS: 1}
KEPT_TO = {
    TIME: gettext_lazy(
        "times to the hundredth of a second (the rules round a thousandth up: 9.572 is 9.58)"
    ),
    DISTANCE: gettext_lazy("distances to the centimetre (the rules round down: 8.955 is 8.95)"),
    HEIGHT: gettext_lazy("heights to the centimetre (the rules round down: 2.455 is 2.45)"),
    POINTS: gettext_lazy("whole points"),
}

_PRIMES = str.maketrans({"′": "'", "’": "'", "‘": "'", "´": "'", "″": '"', "“": '"', "”": '"'})
# One number and the unit written after it: h, ' (minutes), '' or " (seconds).
_UNIT_TOKEN = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|'{1,2}|\")?\s*", re.IGNORECASE)
_HOURS, _MINUTES, _SECONDS = 0, 1, 2


# Hours with their unit, then minutes and seconds with a colon, as some result lists print
# a marathon: `3h38:29`, `3 h 38:29`.
_HOURS_THEN_CLOCK = re.compile(r"(\d+)\s*h\s*(\d+:\d+(?:[.,]\d+)?)", re.IGNORECASE)


def _units_to_colons(text):
    """
    `1 h 17' 21"` -> `1:17:21`, `3h38:29` -> `3:38:29`; returns `text` unchanged when it
    has no unit marks, None when its units do not read.
    """
    mixed = _HOURS_THEN_CLOCK.fullmatch(text)
    if mixed:
        # The minutes and seconds as typed, checked for two digits and to 59 as any others.
        return f"{int(mixed.group(1))}:{mixed.group(2)}"
    if not re.search(r"[h'\"]", text, re.IGNORECASE):
        return text
    tokens = []
    position = 0
    while position < len(text):
        match = _UNIT_TOKEN.match(text, position)
        if not match:
            return None
        tokens.append([match.group(1).replace(",", "."), (match.group(2) or "").lower()])
        position = match.end()
    # Seconds written after the seconds mark (`21"5`) are a fraction of the last second.
    if len(tokens) >= 2 and tokens[-2][1] == '"' and not tokens[-1][1]:
        fraction = tokens.pop()[0]
        tokens[-1][0] += "." + fraction
    explicit = {"h": _HOURS, "'": _MINUTES, '"': _SECONDS}
    has_seconds_mark = any(unit == '"' for _, unit in tokens)
    parts = {}
    previous = None
    for index, (number, unit) in enumerate(tokens):
        if unit == "''":
            # Two primes mean seconds (38'24''), except as a typo for minutes before a
            # seconds mark (the seed's `1 h 18'' 42"`).
            last = index == len(tokens) - 1
            unit_index = _SECONDS if last and not has_seconds_mark else _MINUTES
        elif unit:
            unit_index = explicit[unit]
        else:
            unit_index = _SECONDS if previous is None else previous + 1
        if unit_index in parts or (previous is not None and unit_index <= previous):
            return None
        if unit_index > _SECONDS:
            return None
        parts[unit_index] = number
        previous = unit_index
    if any("." in parts.get(i, "") for i in (_HOURS, _MINUTES)):
        return None
    minutes = int(parts.get(_MINUTES, 0))
    seconds = parts.get(_SECONDS, "0")
    whole, _dot, fraction = seconds.partition(".")
    seconds = f"{int(whole):02d}" + (f".{fraction}" if fraction else "")
    if _HOURS in parts:
        # Hours written, even as 00, lead: the minutes after them are checked to 59.
        return f"{int(parts[_HOURS])}:{minutes:02d}:{seconds}"
    return f"{minutes}:{seconds}"


# A combined-event score with a thousands separator, as result lists print it: a space of any
# width (8 847, and the no-break and thin spaces of typeset sheets), a comma (8,847) or a
# point (8.847). A score is a whole number, so a point or comma before exactly three digits
# can only be a separator; in metres, 8.847 is a distance, and 8 847 nothing.
_POINTS_THOUSANDS = re.compile(r"(\d{1,3})[ \u00a0\u2009\u202f.,](\d{3})")


def _invalid(text, discipline, reason=None):
    expected = EXPECTED[discipline.measure]
    message = _("“%(text)s” is not a valid mark for %(discipline)s: expected %(expected)s.") % {
        "text": text,
        "discipline": discipline.label,
        "expected": expected,
    }
    if reason:
        message = f"{message} ({reason})"
    return ValidationError(message, code="invalid_mark", params={"text": text})


# athlib's complaints about the shape of what was typed, and Python's own when a part is not
# a number ("could not convert string to float: '25.00.00'"): the expected notation, which
# the message gives, says it better. What athlib finds of the mark itself (too fast, too
# slow, beyond the record) is kept.
_SHAPE_COMPLAINTS = ("Illegal numeric pattern", "could not convert", "invalid literal")


def _athlib_reason(error):
    reason = str(error)
    return None if reason.startswith(_SHAPE_COMPLAINTS) else reason


# What sources print where a finisher's mark would be, and the status of a result each is:
# DSQ is a DQ as some sheets spell it, and the high jump's and pole vault's NH (no height)
# is a no mark.
STATUSES_TYPED = {"DNF": "DNF", "DNS": "DNS", "DQ": "DQ", "DSQ": "DQ", "NM": "NM", "NH": "NM"}


def _status_not_mark(typed):
    from .models import Result  # the models read their marks with this module

    status = Result.Status(STATUSES_TYPED[typed.upper()])
    message = _(
        "“%(text)s” is a status, not a mark: leave the mark empty and choose the status %(status)s."
    ) % {"text": typed, "status": f"{status.value} ({status.label})"}
    return ValidationError(message, code="status_as_mark", params={"text": typed})


# A hand time with the letter lists print after it: `10.1h`, `1:45.2 h`. In the sprints the
# archive keeps the letter as a flag of the result, so that the mark stays a number; beyond
# them a hand time is kept as any other. (On the road, `2.5h` is only a malformed mark.)
_HAND_TIME = re.compile(r"(\d+(?::\d+)*[.,]\d{1,2})\s*h", re.IGNORECASE)


def _hand_time_with_letter(typed, discipline, mark):
    from .models import Result  # the models read their marks with this module

    if getattr(discipline, "is_sprint", False):
        message = _("“%(text)s” is a hand time: type %(mark)s as the mark and tick “%(flag)s”.") % {
            "text": typed,
            "mark": mark,
            "flag": Result._meta.get_field("hand_timed").verbose_name,
        }
    else:
        message = _(
            "“%(text)s” is a hand time: type %(mark)s as the mark (hand times are kept apart "
            "only in races up to 400 m)."
        ) % {"text": typed, "mark": mark}
    return ValidationError(message, code="hand_time_with_letter", params={"text": typed})


def _refused(text, discipline, reason, code):
    """A mark that reads, but breaks a rule `reason` names (a part out of range, too fine)."""
    message = _("“%(text)s” is not a valid mark for %(discipline)s: %(reason)s.") % {
        "text": text,
        "discipline": discipline.label,
        "reason": reason,
    }
    return ValidationError(message, code=code, params={"text": text})


def parse_mark(text, discipline):
    """
    Read a mark typed for `discipline` (anything with `code`, `name` and `measure`) and
    return it as an integer in the discipline's unit. Raises ValidationError naming what
    was typed and what is expected, or which part of it is out of range or too fine.
    """
    typed = str(text).strip()
    if not typed:
        raise _invalid(typed, discipline)
    if typed.upper() in STATUSES_TYPED:
        raise _status_not_mark(typed)
    hand_time = _HAND_TIME.fullmatch(typed)
    if hand_time and discipline.measure == TIME and not getattr(discipline, "is_road", False):
        raise _hand_time_with_letter(typed, discipline, hand_time.group(1))
    cleaned = typed.translate(_PRIMES)
    if discipline.measure == TIME:
        cleaned = _units_to_colons(re.sub(r"\s+", " ", cleaned))
        if cleaned is None:
            raise _invalid(typed, discipline)
        _check_two_digits(typed, discipline, cleaned)
    else:
        separated = _POINTS_THOUSANDS.fullmatch(cleaned)
        if discipline.measure == POINTS and separated:
            cleaned = "".join(separated.groups())
        cleaned = re.sub(r"\s*m$", "", cleaned.replace(",", "."))
    _check_decimals(typed, discipline, cleaned)
    if discipline.measure in (DISTANCE, HEIGHT):
        return _metres_to_mm(typed, discipline, cleaned)
    try:
        normalised = athlib.check_performance_for_discipline(discipline.code, cleaned)
    except ValueError as error:
        raise _invalid(typed, discipline, _athlib_reason(error)) from None
    if discipline.measure == TIME:
        # athlib drops a leading zero hour ("0:99:00" -> "99:00"), so its minutes are
        # checked as typed. Otherwise athlib's reading is checked: it may have turned a
        # stop into a colon ("38.75" for 10,000 m is 38:75) or a colon into a stop ("9:75"
        # for 100 m is 9.75, which is fine).
        zero_hour = re.match(r"0+:\d+:", cleaned)
        _check_clock(typed, discipline, cleaned if zero_hour else normalised)
    try:
        if discipline.measure == TIME:
            value = _seconds_text_to_ms(normalised)
            _check_walking_speed(typed, discipline, value)
            return value
        return int(normalised)
    except (InvalidOperation, ValueError):
        raise _invalid(typed, discipline) from None


# athlib's bound on a field mark (`check_performance_for_discipline`'s `ulpc`): no more than
# a fifth beyond the world record it knows for the discipline, men's or women's, whichever
# is longer. For the javelin that is Uwe Hohn's 104.80 of 1984 with the old javelin, so no
# throw beyond 125.76 m reads.
FIELD_MARK_MARGIN = Decimal("1.2")
# The archive's floor: a jump or throw under a twenty-fifth of that record (a long jump under
# 0.36 m, a javelin throw under 4.19 m) is a slip of the point or the unit, not a mark. The
# floor sits well under the shortest marks of the oldest masters, who throw lighter
# implements, and of the youngest age groups.
FIELD_MARK_FLOOR = 25


def _metres_to_mm(typed, discipline, cleaned):
    """
    A distance or height in millimetres. Read here rather than by athlib, whose pattern for
    a mark takes two digits before the point at most and so refuses every throw of 100 m or
    more (the javelin's 104.80) as an "illegal numeric pattern"; its check of the mark
    itself, against the world record, is kept.
    """
    if not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        raise _invalid(typed, discipline)
    metres = Decimal(cleaned)
    record = field_event_record(discipline.code)
    reason = None
    if record is not None and metres > Decimal(str(record)) * FIELD_MARK_MARGIN:
        reason = _("%(mark)s m is more than a fifth beyond the world record of %(record)s m")
    elif record is not None and metres * FIELD_MARK_FLOOR < Decimal(str(record)):
        reason = _("%(mark)s m is under a twenty-fifth of the world record of %(record)s m")
    if reason:
        values = {"mark": f"{metres:.2f}", "record": f"{record:.2f}"}
        raise _refused(typed, discipline, reason % values, code="mark_implausible")
    return int((metres * 1000).to_integral_value(ROUND_HALF_UP))


def _check_decimals(typed, discipline, cleaned):
    """Refuse decimals finer than the discipline keeps; trailing zeros claim nothing."""
    fraction = re.search(r"[.,](\d+)\s*$", cleaned)
    if fraction is None or discipline.measure == POINTS:
        return  # athlib refuses a fraction of a point as not a whole number
    kept = DECIMALS[discipline.measure]
    if fraction.group(1)[kept:].strip("0"):
        raise _refused(
            typed,
            discipline,
            _("it has %(count)s decimals, and the archive keeps %(kept_to)s")
            % {"count": len(fraction.group(1).rstrip("0")), "kept_to": KEPT_TO[discipline.measure]},
            code="mark_too_fine",
        )


def _check_two_digits(typed, discipline, text):
    """
    After a colon, minutes and seconds are written with two digits. `2:09:3` is not padded
    unseen: a dropped trailing zero (2:09:30) is as likely as a dropped leading one (2:09:03).
    Marks typed with units (`1 h 20' 7"`) name each part, and reach here padded.
    """
    chunks = re.split(r"[:;]", text)
    if not 2 <= len(chunks) <= 3:
        return  # athlib refuses the shape
    names = [_("hours"), _("minutes"), _("seconds")][-len(chunks) :]
    for index in range(1, len(chunks)):
        digits, rest = re.match(r"(\d*)(.*)", chunks[index]).groups()
        if rest and not re.fullmatch(r"[.,]\d+", rest):
            return  # not a number with a digit missing (`1:2x:00`): athlib refuses the shape
        if len(digits) == 2 or not digits:
            continue
        if len(digits) > 2:
            raise _refused(
                typed,
                discipline,
                _("write the %(unit)s with two digits") % {"unit": names[index]},
                code="mark_part_not_two_digits",
            )
        padded = [f"0{digits}{rest}"]
        if 0 < int(digits) <= 5 and not rest:
            padded.append(f"{digits}0")
        readings = [":".join([*chunks[:index], part, *chunks[index + 1 :]]) for part in padded]
        # Whole messages, not a reason for `_refused`: a question ends them.
        params = {"text": typed, "discipline": discipline.label, "unit": names[index]}
        if len(readings) == 2:
            message = _(
                "“%(text)s” is not a valid mark for %(discipline)s: write the %(unit)s with two "
                "digits: %(first)s or %(second)s?"
            ) % {**params, "first": readings[0], "second": readings[1]}
        else:
            message = _(
                "“%(text)s” is not a valid mark for %(discipline)s: write the %(unit)s with two "
                "digits: %(reading)s?"
            ) % {**params, "reading": readings[0]}
        raise ValidationError(message, code="mark_part_not_two_digits", params={"text": typed})


def _check_clock(typed, discipline, text):
    """After the leading unit, minutes and seconds run 0-59: 1:99:00 is a typo."""
    chunks = text.split(":")
    if not 2 <= len(chunks) <= 3:
        return
    names = [_("hours"), _("minutes"), _("seconds")][-len(chunks) :]
    for name, chunk in zip(names[1:], chunks[1:], strict=True):
        try:
            value = Decimal(chunk)
        except InvalidOperation:
            raise _invalid(typed, discipline) from None
        if value >= 60:
            raise _refused(
                typed,
                discipline,
                _("%(value)s %(unit)s is more than 59") % {"value": chunk, "unit": name},
                code="mark_part_out_of_range",
            )


def check_mark_value(value, discipline):
    """
    Check a mark given as the stored integer (a fixture, a row saved without the forms) as
    `parse_mark` checks a typed one: an integer (a float would lose or invent precision),
    positive, no finer than the discipline keeps, and plausible for the discipline. Raises
    ValidationError naming the mark and, where it helps, how it reads.
    """
    measure = discipline.measure
    if isinstance(value, bool) or not isinstance(value, int):
        example, stored = STORED_EXAMPLE[measure]
        raise _refused(
            value,
            discipline,
            _("expected a whole number of %(unit)s (%(example)s is %(stored)s)")
            % {"unit": UNITS[measure], "example": example, "stored": stored},
            code="mark_not_integer",
        )
    if value <= 0:
        raise _refused(
            value,
            discipline,
            _("a mark is a positive number of %(unit)s") % {"unit": UNITS[measure]},
            code="mark_not_positive",
        )
    if value % STORED_STEP[measure]:
        raise _refused(
            value,
            discipline,
            _("it reads %(mark)s, and the archive keeps %(kept_to)s")
            % {"mark": _exact(value, discipline), "kept_to": KEPT_TO[measure]},
            code="mark_too_fine",
        )
    reading = format_mark(value, discipline)
    try:
        parse_mark(reading, discipline)
    except ValidationError as error:
        message = _("The mark %(value)s reads as %(mark)s. %(reason)s") % {
            "value": value,
            "mark": reading,
            "reason": error.messages[0],
        }
        raise ValidationError(message, code=error.code, params={"text": value}) from None


def _exact(value, discipline):
    """The stored integer with every digit it has, for saying it is too fine."""
    if discipline.measure == TIME:
        return format_time(value)
    if discipline.measure == POINTS:
        return str(value)
    return f"{Decimal(value) / 1000} m"


# athlib checks races against running speeds. A walker never averages 18 km/h (the 20 km
# world record is under 16 km/h), so anything faster is a typo such as minutes for hours.
WALK_SPEED_LIMIT_KMH = 18


def _check_walking_speed(typed, discipline, value):
    if getattr(discipline, "is_walk", False) and discipline.distance_m:
        speed = average_speed_kmh(value, discipline)
        if speed is not None and speed > WALK_SPEED_LIMIT_KMH:
            raise _invalid(
                typed,
                discipline,
                _("%(speed)s km/h is too fast for a walk, check the format") % {"speed": speed},
            )


def _seconds_text_to_ms(text):
    total = Decimal(0)
    for chunk in text.split(":"):
        total = total * 60 + Decimal(chunk)
    return int((total * 1000).to_integral_value(ROUND_HALF_UP))


def format_time(ms, min_decimals=0):
    """Milliseconds as h:mm:ss, m:ss or s.ff, with only the decimals the mark has."""
    whole_seconds, millis = divmod(ms, 1000)
    hours, rest = divmod(whole_seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f"{millis:03d}".rstrip("0")
    if len(fraction) < min_decimals:
        fraction = fraction.ljust(min_decimals, "0")
    fraction = f".{fraction}" if fraction else ""
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}{fraction}"
    if minutes:
        return f"{minutes}:{seconds:02d}{fraction}"
    return f"{seconds}{fraction}"


# The decimals at the end of a typed time: "3:45.10", "9,58", 38' 24.3".
_TYPED_FRACTION = re.compile(r"[.,](\d+)\D*$")


def typed_decimals(text, discipline):
    """
    How many decimals a time was written with (3:45.10: 2, 1 h 17' 21": 0), for
    `format_mark` to show them again; None for a mark that is not a time.
    """
    if discipline.measure != TIME:
        return None
    fraction = _TYPED_FRACTION.search(text.strip())
    return len(fraction.group(1)) if fraction else 0


def rounded_up(value, decimals):
    """
    A time in milliseconds to `decimals` decimals, rounded up as results are (26:48.37 to
    the second is 26:49): what a source that gives fewer decimals prints for it.
    """
    unit = 10 ** (3 - min(decimals, MAX_DECIMALS))  # milliseconds
    return -(-value // unit) * unit


def format_mark(value, discipline, hand_timed=False, decimals=None):
    """
    The stored integer as a statistician writes it; "" for no mark. `decimals`, those its
    source gave (`typed_decimals`), keeps 3:45.10 from reading 3:45.1.
    """
    if value is None:
        return ""
    if discipline.measure == TIME:
        # Sprints are timed to the hundredth by photo-finish (9.50 stays 9.50), to the
        # tenth by hand (10.4); longer races show the decimals the source gave (a
        # marathon timed by hand is 2:08:30, not 2:08:30.0).
        sprint = discipline.is_sprint
        least = (1 if hand_timed else 2) if sprint else 0
        return format_time(value, min_decimals=max(least, decimals or 0))
    if discipline.measure == POINTS:
        return str(value)
    # Field marks are measured to the centimetre.
    return f"{Decimal(value) / 1000:.2f}"


def average_speed_kmh(value, discipline):
    """Average speed in km/h over a race of known distance (20 km in 1:17:21 -> 15.514)."""
    if discipline.measure != TIME or not discipline.distance_m or not value:
        return None
    speed = Decimal(discipline.distance_m) * Decimal(3600) / Decimal(value)
    return speed.quantize(Decimal("0.001"), ROUND_HALF_UP)


# Wind readings ------------------------------------------------------------------------------

# The minus signs of typeset result sheets: the minus sign, and the en dash that PDF lists
# print for it (copied from one, `–0.4` is a head wind).
_WIND_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_WIND_FIGURE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# What sources print in the wind's column instead of a figure: the letter of a wind-aided
# mark, and the words for no reading (no wind information, not available).
_WIND_LETTER = {"w"}
_NO_WIND_READING = {"nwi", "n/a"}


def parse_wind(text):
    """
    A wind reading as sources print it, in metres per second: "+1.8", "-0.3", "2,1" with a
    decimal comma, "−0.4" or "–0.4" with a typographic minus, "-0.3 m/s"; None when empty
    (not measured, which 0.0, a measured calm, is not). The one reading of a wind, for the
    admin's forms and the fixtures alike. Raises ValidationError saying what to type
    instead; the bounds (±9.9, one decimal) are the model field's to check.
    """
    typed = "" if text is None else str(text).strip()
    reading = typed.removesuffix("m/s").strip().replace(",", ".").translate(_WIND_MINUS)
    if not reading:
        return None
    if _WIND_FIGURE.fullmatch(reading):
        return Decimal(reading)
    if reading.lower() in _WIND_LETTER:
        message = _(
            "“%(text)s” is not a wind reading: give the wind's figure (+2.4); leave it empty "
            "when the source gives none."
        )
        code = "wind_without_figure"
    elif reading.lower() in _NO_WIND_READING:
        message = _(
            "“%(text)s” is not a wind reading: leave the wind empty when no reading was taken."
        )
        code = "no_wind_reading"
    else:
        message = _(
            "“%(text)s” is not a wind reading. Enter a number of metres per second, such as "
            "+1.8, -0.3 or 2,1."
        )
        code = "invalid"
    raise ValidationError(message % {"text": typed}, code=code, params={"text": typed})


def normalize_code(code):
    """The athlib event code for `code` ("20kW" -> "20KW"); ValueError when unknown."""
    return athlib.normalize_event_code(code)


def distance_of(code):
    """Race distance in metres for an athlib code, None for field and combined events."""
    return athlib.get_distance(code)
