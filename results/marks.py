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
* a decimal comma: ``8,95``; a trailing metre sign: ``8.95 m``.

athlib checks the normalised text for the discipline (digits, ``:`` and ``.`` only, and a
plausible speed for races), so that ``17:21`` for a 20 km walk is refused as too fast.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import athlib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIME = "time"
DISTANCE = "distance"
HEIGHT = "height"
POINTS = "points"

# What each kind of mark looks like, for error messages.
EXPECTED = {
    TIME: "a time such as 1:17:21, 38:24.35, 9.58 or 1 h 17' 21\"",
    DISTANCE: "a distance in metres such as 8.95 or 8,95",
    HEIGHT: "a height in metres such as 2.45",
    POINTS: "a whole number of points such as 8045",
}

_PRIMES = str.maketrans({"′": "'", "’": "'", "‘": "'", "´": "'", "″": '"', "“": '"', "”": '"'})
# One number and the unit written after it: h, ' (minutes), '' or " (seconds).
_UNIT_TOKEN = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|'{1,2}|\")?\s*", re.IGNORECASE)
_HOURS, _MINUTES, _SECONDS = 0, 1, 2


def _units_to_colons(text):
    """`1 h 17' 21"` -> `1:17:21`; returns `text` unchanged when it has no unit marks."""
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
    hours = int(parts.get(_HOURS, 0))
    minutes = int(parts.get(_MINUTES, 0))
    seconds = parts.get(_SECONDS, "0")
    whole, _dot, fraction = seconds.partition(".")
    seconds = f"{int(whole):02d}" + (f".{fraction}" if fraction else "")
    if hours:
        return f"{hours}:{minutes:02d}:{seconds}"
    return f"{minutes}:{seconds}"


def _invalid(text, discipline, reason=None):
    expected = EXPECTED[discipline.measure]
    message = _("“%(text)s” is not a valid mark for %(discipline)s: expected %(expected)s.") % {
        "text": text,
        "discipline": discipline.name,
        "expected": expected,
    }
    if reason:
        message = f"{message} ({reason})"
    return ValidationError(message, code="invalid_mark", params={"text": text})


def parse_mark(text, discipline):
    """
    Read a mark typed for `discipline` (anything with `code`, `name` and `measure`) and
    return it as an integer in the discipline's unit. Raises ValidationError naming what
    was typed and what is expected.
    """
    typed = str(text).strip()
    if not typed:
        raise _invalid(typed, discipline)
    cleaned = typed.translate(_PRIMES)
    if discipline.measure == TIME:
        cleaned = _units_to_colons(re.sub(r"\s+", " ", cleaned))
        if cleaned is None:
            raise _invalid(typed, discipline)
    else:
        cleaned = re.sub(r"\s*m$", "", cleaned.replace(",", "."))
    try:
        normalised = athlib.check_performance_for_discipline(discipline.code, cleaned)
    except ValueError as error:
        raise _invalid(typed, discipline, str(error)) from None
    try:
        if discipline.measure == TIME:
            value = _seconds_text_to_ms(normalised)
            _check_walking_speed(typed, discipline, value)
            return value
        if discipline.measure == POINTS:
            return int(normalised)
        return int((Decimal(normalised) * 1000).to_integral_value(ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        raise _invalid(typed, discipline) from None


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


def format_mark(value, discipline, hand_timed=False):
    """The stored integer as a statistician writes it; "" for no mark."""
    if value is None:
        return ""
    if discipline.measure == TIME:
        # Sprints are timed to the hundredth by photo-finish (9.50 stays 9.50), to the
        # tenth by hand (10.4); longer races show only the decimals the source gave.
        sprint = discipline.distance_m is not None and discipline.distance_m <= 400
        return format_time(value, min_decimals=1 if hand_timed else 2 if sprint else 0)
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


def normalize_code(code):
    """The athlib event code for `code` ("20kW" -> "20KW"); ValueError when unknown."""
    return athlib.normalize_event_code(code)


def distance_of(code):
    """Race distance in metres for an athlib code, None for field and combined events."""
    return athlib.get_distance(code)
