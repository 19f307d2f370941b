"""
Reading a result list pasted as sources print it:

    1. Jefferson Pérez (EC) 1 h 20' 07"
    2  Ilya Markov  RUS  1:20:16
    3 SEGURA Bernardo MEX 1:20:23
    =4 Bob Brown (JAM) 20.31 (+0.3)
    4 Bob Beamon USA 8.90 A +2.0
    T5 Carl Cole USA 20.35 -0.2 q
    6 Dan Dale USA 20.41 PB (+0.3) (q)
    DNF Name (MEX)

Each line becomes a `PastedRow`: place or status, the name as written, the nation's code
(IOC, or the vehicle code some sources print: EC, E, PL…), the mark as text with the wind
written after it and whether it is a hand time ("10.1h"), the tags printed with those
("WR", "Q", "(PB)": see `split_tags`), whether it was made at altitude ("A"), the one
athlete whose name it is (accents, case and word order ignored) and, when there is none,
the athletes whose name is near (a typo, a missing middle name, a family name alone),
offered to the editor and never chosen for them.

The preview is the form the save posts, bound to the rows as read and checked at once: each
row as `save_rows` will save it (`Result.clean()`: the athlete's sex, birth and retirement,
the mark for the discipline) and the whole list, with the event's results already saved, by
`results.rules.result_list_problems`, the rules the admin's results table and `loaddata`
run too. The save checks it all again, inside the transaction that writes, after making
sure the event is still as the preview showed it (`revisions.tokens`).
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from athletes.models import Alias, Athlete, Country, Source, fold
from revisions.admin import MAX_FORMS, SafeAutocompleteSelect, valid_pk
from revisions.context import describe
from revisions.models import Revision, one_snapshot
from revisions.tokens import check_scope_token, scope_token

from . import marks
from .bestmarks import deferred
from .forms import WindField
from .models import ALTITUDE_M, MAX_PLACE, RECORD_TAGS, Event, Result, canonical_records
from .rules import result_list_problems, saved_row_problem

_STATUSES = {"DNF": "DNF", "DNS": "DNS", "DQ": "DQ", "DSQ": "DQ", "NM": "NM"}
# Any number of digits: a place out of range is refused by the form, not read as a name.
# A tie is printed with an equals sign on either side ("2=", "=2", "2 =", "2=.") or, on US
# sheets, a T before the place ("T2", "T-2": tied for second): the place is the number,
# shared by the tied rows, as the rules of the sport share it.
_PLACE = re.compile(r"^\s*(?:=\s*|T-?)?(?P<place>\d+)(?:\s*=)?\s*[.)]?\s+", re.IGNORECASE)
# A place printed with a letter or two before it that is no tie's T ("X2", "No3", "P-4"):
# not read as a place, and no name either.
_LETTERED_PLACE = re.compile(r"[^\W\d_]{1,2}[-.]?\d+\b")
_STATUS = re.compile(r"^\s*(?P<status>DNF|DNS|DQ|DSQ|NM)\b\.?\s*", re.IGNORECASE)
_NATION_IN_BRACKETS = re.compile(r"\(\s*(?P<code>[A-Za-z]{1,3})\s*\)")
_MARK_START = re.compile(r"\s(?=\d)")
# Some sheets print the status where the mark goes, and still number the line.
_STATUS_AS_MARK = re.compile(r"^(?P<status>DNF|DNS|DQ|DSQ|NM)\.?$", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_APOSTROPHES = "'’‘"
# What sprints and horizontal jumps print after the mark: the wind reading, bracketed or not,
# its sign optional, a decimal comma or point, a typographic minus or an en dash, "m/s" or not
# ("20.31 (+0.3)", "20.31 +0.3", "8,12 (−1,2 m/s)"); a "w" for a wind-aided mark whose
# reading the sheet does not give ("7.95w"); an "h" for a hand time ("10.1h").
_WIND_AFTER_MARK = re.compile(
    r"(?:\s+|\s*\(\s*)(?P<wind>[-+−–]?\d{1,2}[.,]\d)\s*(?:m/s)?\s*\)?$", re.IGNORECASE
)
_WIND_AIDED = re.compile(r"\s*(?:w|\(\s*w\s*\))$", re.IGNORECASE)
_HAND_TIMED = re.compile(r"(?<=\d)\s*h$", re.IGNORECASE)
# The "A" of a mark made at altitude, printed as a tag is ("9.95 A", "8.90 A +2.0") or glued
# to the mark or its wind ("10.05A", "(+0.3)A"): capital only, and only after the mark, so
# that a name's initial ("A. Smith") is never taken for it, nor the area record's "AR".
_ALTITUDE = "A"
_ALTITUDE_GLUED = re.compile(r"(?<=[\d)])A(?=[\s(\[]|$)")
# A mark those can follow: digits and separators, a metre sign at most ("10.1", "1:46.7",
# "8,12 m"). A time in units ("1 h 20' 07.5") is left whole: no wind is read in its races.
_PLAIN_MARK = re.compile(r"^\d[\d:.,]*(?:\s*m)?$", re.IGNORECASE)
# Words printed after the mark and its wind ("1:17:21 WR", "10.05 -0.2 Q", "8.12 =PB"): a
# word of letters (and digits: "WU20R"), an equals sign before it at most, other than the
# letters that belong to the mark ("10.1 h", "7.95 w", "8.12 m").
_TAGS = re.compile(r"(?:\s+(?![hmw]$|[hmw]\s)=?[^\W\d_]\w*)+$", re.IGNORECASE)
# Tags in brackets ("10.05 (Q)", "9.58 [WR]", "10.05 (+0.3) (NR, Q)"): brackets whose words
# all start with a letter. A number in brackets is a wind reading ("(+0.3)"), and a "w" the
# mark's own ("7.95 (w)").
_BRACKETED = re.compile(r"\s*(?:\((?P<round>[^()\[\]]*)\)|\[(?P<square>[^()\[\]]*)\])$")
_BRACKETED_TAG = re.compile(r"=?[^\W\d_]\w*")
_BRACKETED_SEPARATOR = re.compile(r"[\s,;/]+")
# A mark of digits at the start of a line's mark text, and the words after it: each a word,
# or brackets and what they hold.
_LEADING_MARK = re.compile(r"^\d[\d:.,]*h?(?=[\s(\[])", re.IGNORECASE)
_WORD_AFTER_MARK = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|[^\s(\[]+")
_WIND_READING = re.compile(r"[-+−–]?\d{1,2}[.,]\d|m/s", re.IGNORECASE)
# Q and q (qualified by place, by time) are the result's, and kept in its note as printed.
_QUALIFIED = {"Q", "q"}
# Personal, season and world-leading marks, and their equals, are what the archive works out
# from its results: left out, and the preview says so.
_WORKED_OUT = {"PB", "SB", "WL"}

# Near matches offered on a row whose name is nobody's: enough to hold the right athlete
# when the sheet misspells a name, few enough to read at a glance.
SUGGESTIONS = 3
# The least rapidfuzz WRatio (0–100) of a near match. A typo, a missing middle name, a
# family name alone or a given name shortened to its initial score 85–97; two people who
# share a family name and not the given name mostly score below ("Julio Molina" for
# "Juan Molina": 78), and are left to the autocomplete.
NEAR_MATCH = 80
# Words per candidate query: SQLite refuses an expression deeper than 1,000 terms.
_TERMS_PER_QUERY = 200
# Whole names per indexed lookup, well within any database's limit on parameters.
_NAMES_PER_QUERY = 500
# No stored name or alias is longer, so no longer word is in one; and SQLite refuses a LIKE
# pattern over 50,000 bytes (a pasted line of one long word was a server error).
_LONGEST_NAME = Athlete._meta.get_field("search_name").max_length


@dataclass
class PastedRow:
    line: str
    place: int | None = None
    status: str = Result.Status.FINISHED
    name: str = ""
    nation: str = ""
    mark: str = ""
    # The wind as written ("+0.3"), "w" for a wind-aided mark with no reading, or "".
    wind: str = ""
    hand_timed: bool = False
    at_altitude: bool = False
    # The tags printed with the mark: record tags (or words that are none, for the form to
    # refuse), the qualification for the note, and those left out, as printed.
    records: str = ""
    note: str = ""
    left_out: str = ""
    # The one athlete whose name (or alias) is the row's name, by primary key.
    athlete: int | None = None
    # Athletes whose name is near, best first: for the editor to choose from.
    suggested: list = field(default_factory=list)


def split_line(line, codes):
    """Cut one pasted line into place/status, name, nation code and mark text."""
    row = PastedRow(line=line.strip())
    rest = row.line
    place = _PLACE.match(rest)
    status = _STATUS.match(rest)
    if place:
        digits = place.group("place")
        # Digits too many for int() are kept as typed, for the form to refuse.
        row.place = int(digits) if len(digits) <= 18 else digits
        rest = rest[place.end() :]
    elif status:
        row.status = _STATUSES[status.group("status").upper()]
        rest = rest[status.end() :]
    unread = rest.split()[0] if rest and not starts_a_name(rest) else ""
    if unread:
        # Something where the place goes that is no place ("2.=", "#2"): kept at the head
        # of the name, where the form refuses it, and kept out of the search for the mark.
        rest = rest[len(unread) :].strip()
    # A code in brackets is the nation's before the mark only: after it, "(Q)" is a tag.
    mark_start = _MARK_START.search(rest)
    bracketed = _NATION_IN_BRACKETS.search(rest[: mark_start.start() if mark_start else None])
    if bracketed:
        row.nation = bracketed.group("code").upper()
        row.name = rest[: bracketed.start()].strip()
        rest = rest[bracketed.end() :]
    else:
        # The nation is the last word in capitals that is a known code ("RUS", "E"),
        # so that a family name printed in capitals ("MARKOV") stays in the name. It comes
        # before the mark: a hand time's "H" ("10.1 H") is not Hungary.
        words = rest.split()
        marked = [index for index, word in enumerate(words) if index and word[:1].isdigit()]
        for index in range((marked or [len(words)])[0] - 1, 0, -1):
            if words[index] in codes:
                row.nation = words[index]
                row.name = " ".join(words[:index])
                rest = " ".join(words[index + 1 :])
                break
        else:
            match = _MARK_START.search(" " + rest)
            cut = match.start() if match else len(rest) + 1
            row.name = rest[: max(cut - 1, 0)].strip()
            rest = rest[max(cut - 1, 0) :]
    row.name = f"{unread} {row.name}".strip()
    rest, tags = split_tags(_ALTITUDE_GLUED.sub(" A", rest).strip())
    records, note, left_out, altitude = sort_tags(tags)
    row.records, row.note, row.left_out = (" ".join(kept) for kept in (records, note, left_out))
    row.at_altitude = bool(altitude)
    row.mark, row.wind, row.hand_timed = split_mark(rest)
    status_as_mark = _STATUS_AS_MARK.match(row.mark)
    if status_as_mark:
        row.status = _STATUSES[status_as_mark.group("status").upper()]
        row.mark = ""
    return row


def split_mark(text):
    """
    ("20.31", "+0.3", False) from "20.31 (+0.3)", ("10.1", "", True) from "10.1h": the mark,
    the wind as written and whether the mark is a hand time. A "w" with no reading is kept
    as the wind, "w", for the editor to replace with the reading or remove: the archive
    does not guess one, and a mark with none is not a wind-aided one but one without wind
    information ("nwi").
    """
    mark, wind = text, ""
    reading = _WIND_AFTER_MARK.search(mark)
    if reading:
        mark, wind = mark[: reading.start()], reading.group("wind")
    aided = _WIND_AIDED.search(mark)
    if aided:
        mark, wind = mark[: aided.start()], wind or "w"
    hand = _HAND_TIMED.search(mark)
    if hand:
        mark = mark[: hand.start()]
    if not _PLAIN_MARK.match(mark):
        return text, "", False
    return mark, wind, bool(hand)


def split_tags(text):
    """
    ("10.05 -0.2", ["NR", "Q"]) from "10.05 -0.2 NR Q": the mark with its wind, and the
    tags printed with them, in their order: after the wind, between the mark and the wind
    ("10.05 NR -0.2 Q") or in brackets ("10.05 (NR) (-0.2) (Q)"). Only words after a mark
    are tags: a name ending as one does ("Kevin MR") comes before the mark, and a line with
    no mark has none. Words before a wind are tags only after a mark of digits, the only
    kind a wind follows: in a time written in units ("1 h 20' 07.5") they are the mark's.
    """
    text, tags = _trailing_tags(text)
    reading = _WIND_AFTER_MARK.search(text)
    if reading:
        mark, between = _trailing_tags(text[: reading.start()])
        if between and _is_plain_mark(mark):
            text, tags = mark + text[reading.start() :], between + tags
    return text, tags


def _trailing_tags(text):
    """("10.05", ["NR", "Q"]) from "10.05 (NR) Q": the tags, bare or bracketed, text ends with."""
    tags = []
    while True:
        bare = _TAGS.search(text)
        bracketed = None if bare else _BRACKETED.search(text)
        if bare:
            words = bare.group().split()
        elif bracketed:
            inside = bracketed.group("round") or bracketed.group("square") or ""
            words = _BRACKETED_SEPARATOR.split(inside.strip())
            if len(words) == 1 and words[0].lower() in ("h", "m", "w"):
                break
            if not all(_BRACKETED_TAG.fullmatch(word) for word in words):
                break
        else:
            break
        start = (bare or bracketed).start()
        if not any(char.isdigit() for char in text[:start]):
            break
        text, tags = text[:start], words + tags
    return text, tags


def _is_plain_mark(text):
    """Whether `text` is a mark of digits ("10.05", "10.1h", "7.95 w"), with no wind reading."""
    mark, wind, _hand_timed = split_mark(text)
    return bool(_PLAIN_MARK.match(mark)) and wind in ("", "w")


def unplaced_after_mark(text):
    """
    The words after the mark of digits that starts `text` when each is a wind reading or a
    tag, in brackets or not, and together they are no one wind with tags: "(+0.3 Q)" in
    "10.05 (+0.3 Q)", "+0.3 Q -0.2" (two winds) in "10.05 +0.3 Q -0.2". Else "": `text`
    reads, or holds something else (a time in units, "1 h 99' 07.5", whose own message
    says more).
    """
    lead = _LEADING_MARK.match(text)
    if lead is None or _is_plain_mark(split_tags(text)[0]):
        return ""
    after = text[lead.end() :].strip()
    for word in _WORD_AFTER_MARK.findall(after):
        for part in _BRACKETED_SEPARATOR.split(word.strip("()[]").strip()):
            known = _WIND_READING.fullmatch(part) or _BRACKETED_TAG.fullmatch(part)
            if not known or part.lower() in ("h", "m", "w"):
                return ""
    return after


def sort_tags(tags):
    """
    The record tags, the qualification, the tags left out and the altitude flags ("A")
    among `tags`. A record equalled ("=WR") is the record's tag, as the rules ratify a record
    equalled; the record tags come once each, in the order a result keeps them; a word that
    is no tag the paste reads goes with the record tags, where the row's form refuses it.
    """
    records, note, left_out, altitude = [], [], [], []
    for tag in tags:
        plain = tag.removeprefix("=")
        if plain in RECORD_TAGS:
            records.append(plain)
        elif tag == _ALTITUDE:
            altitude.append(tag)
        elif tag in _QUALIFIED:
            note.append(tag)
        elif plain in _WORKED_OUT:
            left_out.append(tag)
        else:
            records.append(tag)
    return canonical_records(" ".join(records)).split(), note, left_out, altitude


def starts_a_name(text):
    """
    Whether `text` starts as a name does: with a letter, or an apostrophe ("’t Hooft"), and
    not with a place written with a letter or two ("X2", "No3", "P-4").
    """
    return (text[:1].isalpha() or text[:1] in _APOSTROPHES) and not _LETTERED_PLACE.match(text)


def nation_codes():
    """Every code a source may print for a nation, mapped to the nation."""
    codes = {}
    for country in Country.objects.all():
        codes.setdefault(country.code, country)
        if country.vehicle_code:
            # An IOC code wins over a vehicle code that happens to spell it (URU's ROU).
            codes.setdefault(country.vehicle_code, country)
    return codes


def folded_words(name):
    """The words of a name, accents, case, hyphens and full stops dropped: "j", "perez"."""
    return _WORD.findall(fold(name))


def name_key(name):
    """What two spellings of one name share: its folded words in any order."""
    return tuple(sorted(folded_words(name)))


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def candidate_names(rows, sex):
    """
    {(athlete pk, sex, folded name or alias)} of the athletes who may be a row's: those of
    `sex` whose name or alias contains a word of three letters or more of a row's name, and
    those of either sex whose name is a row's name as written or in reverse order (an
    indexed lookup, which finds a name of short words, "Li Na", too). A few queries whatever
    the number of rows; scoring is left to Python.
    """
    words, whole = set(), set()
    for row in rows:
        row_words = folded_words(row.name)
        words.update(word for word in row_words if 2 < len(word) <= _LONGEST_NAME)
        if row_words:
            whole |= {" ".join(row_words), " ".join(reversed(row_words))}
    names = set()
    # Scanning the athletes costs each of them one LIKE per word: the event's sex is
    # compared first, which spares the other half of the archive.
    for chunk in _chunks(sorted(words), _TERMS_PER_QUERY):
        condition = Q()
        for word in chunk:
            condition |= Q(search_name__contains=word)
        athletes = Athlete.objects.filter(sex=sex).filter(condition)
        names.update(athletes.values_list("pk", "sex", "search_name"))
        aliases = Alias.objects.filter(athlete__sex=sex).filter(condition)
        names.update(aliases.values_list("athlete_id", "athlete__sex", "search_name"))
    for chunk in _chunks(sorted(whole), _NAMES_PER_QUERY):
        athletes = Athlete.objects.filter(search_name__in=chunk)
        names.update(athletes.values_list("pk", "sex", "search_name"))
        aliases = Alias.objects.filter(search_name__in=chunk)
        names.update(aliases.values_list("athlete_id", "athlete__sex", "search_name"))
    return names


def match_athletes(rows, sex):
    """
    Give each row its athlete when exactly one of the event's sex has its name (folded, any
    word order), else up to SUGGESTIONS near matches of that sex, scored with rapidfuzz
    against the athletes that share a word of its name: namesakes first, then the nearest.

    A name that is only one athlete's of the other sex is hers (or his): the row then says
    that this athlete does not compete in the event, where a new athlete of the event's sex
    would silently double her.
    """
    by_key, by_word, choices, owners = {}, {}, [], []
    for pk, athlete_sex, name in candidate_names(rows, sex):
        # A search name is folded already: only its words are wanted.
        words = _WORD.findall(name)
        by_key.setdefault(tuple(sorted(words)), {}).setdefault(athlete_sex, set()).add(pk)
        if athlete_sex != sex:
            continue
        for word in set(words):
            by_word.setdefault(word, []).append(len(choices))
        choices.append(" ".join(words))
        owners.append(pk)
    for row in rows:
        words = folded_words(row.name)
        if not words:
            continue
        by_sex = by_key.get(tuple(sorted(words)), {})
        namesakes = by_sex.get(sex, set())
        others = {pk for other, pks in by_sex.items() if other != sex for pk in pks}
        if len(namesakes) == 1 or (not namesakes and len(others) == 1):
            row.athlete = next(iter(namesakes or others))
            continue
        near = {index: choices[index] for word in set(words) for index in by_word.get(word, ())}
        scores = dict.fromkeys(namesakes, 100)
        for _name, score, index in process.extract(
            " ".join(words), near, scorer=fuzz.WRatio, score_cutoff=NEAR_MATCH, limit=None
        ):
            scores[owners[index]] = max(scores.get(owners[index], 0), score)
        ranked = sorted(scores, key=lambda pk: (pk not in namesakes, -scores[pk], pk))
        row.suggested = ranked[:SUGGESTIONS]


def read_result_list(text, sex):
    """Every non-blank line of `text` as a PastedRow, matched to existing athletes."""
    codes = nation_codes()
    rows = [split_line(line, codes) for line in text.splitlines() if line.strip()]
    match_athletes(rows, sex)
    return rows, codes


def free_slugs(names):
    """
    A free athlete slug for each (given name, family name): given-family, numbered when
    taken or given twice in the list. One query for a few hundred names.
    """
    # Room is left for a number within the slug's 120 characters.
    bases = [slugify(f"{given} {family}")[:100].strip("-") or "athlete" for given, family in names]
    taken = set()
    unique_bases = sorted(set(bases))
    for chunk in _chunks(unique_bases, _TERMS_PER_QUERY):
        condition = Q()
        for base in chunk:
            condition |= Q(slug__startswith=base)
        taken.update(Athlete.objects.filter(condition).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def split_name(name):
    """("Jefferson", "Pérez") from "Jefferson Pérez", or from "PÉREZ Jefferson"."""
    words = name.split()
    if not words:
        return "", ""
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    if capitals and len(capitals) < len(words):
        family = " ".join(w.title() for w in capitals)
        given = " ".join(w for w in words if w not in capitals)
        return given, family
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def paste_scopes(event):
    """The rows a paste into `event` is about: the event and its results."""
    return [(Event, {"pk": event.pk}), (Result, {"event_id": event.pk})]


class SafeModelChoiceField(forms.ModelChoiceField):
    """A choice by primary key that refuses a tampered one before querying for it."""

    def to_python(self, value):
        if value not in self.empty_values and valid_pk(self.queryset.model, value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def source_field(admin_site):
    return SafeModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.all(),
        required=False,
        widget=SafeAutocompleteSelect(Result._meta.get_field("sources"), admin_site),
        help_text=_("The sheet these lines are copied from: every saved result cites it."),
    )


class PasteForm(forms.Form):
    lines = forms.CharField(
        label=_("Result list"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=_(
            "One athlete per line, as the source prints it: "
            "1. Jefferson Pérez (EC) 1 h 20' 07\" — 2  Ilya Markov  RUS  1:20:16 — DNF Name (MEX)"
        ),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = source_field(admin_site)

    def clean_lines(self):
        text = self.cleaned_data["lines"]
        count = sum(1 for line in text.splitlines() if line.strip())
        if count > MAX_FORMS:
            raise ValidationError(
                _("At most %(max)d lines per paste (this one has %(count)d): paste it in parts.")
                % {"max": MAX_FORMS, "count": count}
            )
        return text


class PastedSheetForm(forms.Form):
    """What the preview says of the whole sheet: its source, and the event as it was shown."""

    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = source_field(admin_site)

    def renew(self, token):
        """Carry `token` from now on: the rows were checked again against the event as it is."""
        data = self.data.copy()
        data[self.add_prefix("token")] = token
        self.data = data


class AthleteSelect(SafeAutocompleteSelect):
    """
    The admin's athlete autocomplete, naming the chosen athlete from those the formset read
    at once (`athletes`, by primary key) instead of with a query per row.
    """

    def __init__(self, field, admin_site, *, athletes, url_parameters=None, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.athletes = athletes
        self.url_parameters = url_parameters

    def optgroups(self, name, value, attr=None):
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for item in value:
            athlete = self.athletes.get(valid_pk(Athlete, item))
            if athlete is not None:
                options.append(
                    self.create_option(
                        name, athlete.pk, athlete.autocomplete_label, True, len(options)
                    )
                )
        return [(None, options, 0)]


class AthleteField(forms.Field):
    """An athlete by primary key, among those the formset read (a tampered id is an error)."""

    default_error_messages = {
        "invalid_choice": _("Select an athlete of the archive: this one is not."),
    }

    def __init__(self, *, athletes, **kwargs):
        super().__init__(**kwargs)
        self.athletes = athletes

    def to_python(self, value):
        if value in self.empty_values:
            return None
        athlete = self.athletes.get(valid_pk(Athlete, value))
        if athlete is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return athlete


class PastedWindField(WindField):
    """The wind as the paste read it, where "w" is a wind-aided mark the sheet gives no
    reading for (see `split_mark`)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip().lower() == "w":
            raise ValidationError(
                _(
                    "The sheet says “w” (wind-aided) without the reading: type the reading, "
                    "or empty this field to save the mark without one (it is then shown as "
                    "having no wind information)."
                ),
                code="no_reading",
            )
        return super().to_python(value)


def _pks(text):
    """The primary keys in a row's hidden list of suggestions, at most SUGGESTIONS."""
    pks = (valid_pk(Athlete, word) for word in str(text or "").split()[:SUGGESTIONS])
    return [pk for pk in pks if pk is not None]


class PastedRowForm(forms.Form):
    """One pasted line, as the editor corrects it in the preview."""

    line = forms.CharField(widget=forms.HiddenInput, required=False)
    include = forms.BooleanField(label=_("save"), required=False, initial=True)
    place = forms.IntegerField(
        label=_("place"),
        required=False,
        min_value=1,
        max_value=MAX_PLACE,
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )
    status = forms.ChoiceField(label=_("status"), choices=Result.Status.choices)
    name = forms.CharField(
        label=_("name as written"), max_length=210, widget=forms.TextInput(attrs={"size": 20})
    )
    # Replaced in __init__ by a field that knows the athletes the formset read.
    athlete = forms.Field(label=_("athlete"), required=False)
    suggested = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    suggestion = forms.ChoiceField(
        label=_("near matches"), required=False, widget=forms.RadioSelect
    )
    nation = forms.CharField(
        label=_("nation"), required=False, max_length=3, widget=forms.TextInput(attrs={"size": 4})
    )
    mark = forms.CharField(
        label=_("mark"), required=False, max_length=40, widget=forms.TextInput(attrs={"size": 10})
    )
    # The result's own fields: their bounds (±9.9 m/s, one decimal) are the model's. No help
    # text: the preview shows none, and a described-by would point at nothing.
    wind = Result._meta.get_field("wind").formfield(
        form_class=PastedWindField, widget=forms.TextInput(attrs={"size": 4}), help_text=""
    )
    hand_timed = Result._meta.get_field("hand_timed").formfield()
    # The sheet's "A": the archive flags a mark from its competition's altitude, which the
    # row must then agree with.
    at_altitude = forms.BooleanField(label=_("at altitude"), required=False)
    records = Result._meta.get_field("records").formfield(
        widget=forms.TextInput(attrs={"size": 6}), help_text=""
    )
    note = Result._meta.get_field("note").formfield(widget=forms.TextInput(attrs={"size": 6}))
    # The tags read after the mark and left out ("PB SB"), for the preview to say so.
    left_out = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, event, admin_site, athletes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["athlete"] = AthleteField(
            label=_("athlete"),
            required=False,
            athletes=athletes,
            widget=AthleteSelect(
                Result._meta.get_field("athlete"),
                admin_site,
                athletes=athletes,
                url_parameters={"sex": event.sex},
            ),
        )
        self.suggested_athletes = [
            athletes[pk] for pk in _pks(self["suggested"].value()) if pk in athletes
        ]
        self.fields["suggestion"].choices = [
            ("", _("none of these: a new athlete")),
            *((str(athlete.pk), athlete.autocomplete_label) for athlete in self.suggested_athletes),
        ]

    def clean_name(self):
        name = self.cleaned_data["name"]
        # What is left of a place column that was not read ("2.=", "#2") is no one's name:
        # saved, it would make an athlete of it.
        if not starts_a_name(name):
            raise ValidationError(
                _(
                    "“%(line)s” cannot be read: a name does not start with “%(start)s”. Type "
                    "the place in its own column and the name without it, or leave this "
                    "line out."
                )
                % {"line": self.cleaned_data.get("line") or name, "start": name.split()[0]},
                code="unreadable",
            )
        return name

    def clean_mark(self):
        mark = self.cleaned_data["mark"]
        unplaced = unplaced_after_mark(mark.strip())
        if unplaced:
            raise ValidationError(
                _(
                    "“%(line)s” cannot be read: after the mark %(mark)s, “%(words)s” is not one "
                    "wind reading with tags (a number in brackets is the wind, a word a tag). "
                    "Type the mark, the wind and the tags in their own columns, or leave this "
                    "line out."
                )
                % {
                    "line": self.cleaned_data.get("line") or mark,
                    "mark": _LEADING_MARK.match(mark.strip()).group(),
                    "words": unplaced,
                },
                code="unreadable",
            )
        return mark

    def clean_records(self):
        tags = self.cleaned_data["records"].split()
        unknown = [tag for tag in tags if tag not in RECORD_TAGS]
        if unknown:
            raise ValidationError(
                _(
                    "“%(tags)s” is no record tag (%(known)s), nor a tag read after the mark "
                    "(Q and q go to the note; PB, SB and WL are left out): correct it, or "
                    "empty this field to save the result without it."
                )
                % {"tags": " ".join(unknown), "known": " ".join(RECORD_TAGS)},
                code="unknown_tag",
            )
        # Once each, in the result's order: the field's own cleaning (`RecordTagsFormField`).
        return self.cleaned_data["records"]

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.cleaned_data.get("include", True):
            # A line left out (a heading, a split) is not saved: what it says does not matter.
            self._errors.clear()
            self.cleaned_data = {"include": False}

    @property
    def creates_athlete(self):
        """Whether saving the row as it stands adds a new athlete."""
        return not self["athlete"].value() and not self["suggestion"].value()

    @property
    def awaits_choice(self):
        """A row with near matches and none chosen: the editor's to decide."""
        return bool(self.suggested_athletes) and self.creates_athlete

    def clean(self):
        data = super().clean()
        suggestion = data.get("suggestion")
        if suggestion:
            accepted = next(a for a in self.suggested_athletes if str(a.pk) == suggestion)
            chosen = data.get("athlete")
            if chosen is not None and chosen != accepted:
                self.add_error(
                    "athlete",
                    _(
                        "Choose one athlete: the list names %(chosen)s and the near match "
                        "%(accepted)s."
                    )
                    % {"chosen": chosen, "accepted": accepted},
                )
            else:
                data["athlete"] = accepted
        return data


# Where a result's or a new athlete's errors go on a pasted row.
_RESULT_FIELDS = {
    "place": "place",
    "status": "status",
    "mark": "mark",
    "wind": "wind",
    "hand_timed": "hand_timed",
    "records": "records",
    "note": "note",
    "athlete": "athlete",
    "country": "nation",
}
_ATHLETE_FIELDS = {"given_name": "name", "family_name": "name", "country": "nation"}
_ROW_ATHLETE_KEYS = re.compile(r"-\d+-(athlete|suggested|suggestion)$")


class BasePastedRowFormSet(forms.BaseFormSet):
    """Checks every pasted row against the event before anything is saved."""

    def __init__(self, *args, event, codes, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.codes = codes
        self.admin_site = admin_site
        self.athletes = self._posted_athletes()

    def _posted_athletes(self):
        """Every athlete the rows name, chosen or suggested, read in one query."""
        if not self.is_bound:
            return {}
        pks = set()
        for key in self.data:
            if key.startswith(f"{self.prefix}-") and _ROW_ATHLETE_KEYS.search(key):
                value = self.data[key]
                pks.update(_pks(value) if key.endswith("-suggested") else _pks(value)[:1])
        return Athlete.objects.select_related("country").in_bulk(pks)

    def get_form_kwargs(self, index):
        kwargs = {"event": self.event, "admin_site": self.admin_site, "athletes": self.athletes}
        if index is not None:
            # Every row is checked, even one a forged form count calls "extra".
            kwargs["empty_permitted"] = False
        return kwargs

    @cached_property
    def shows_wind(self):
        """A wind column where the event reads wind, or where a row has one to correct."""
        discipline, competition = self.event.discipline, self.event.competition
        return (discipline.wind_measured and not competition.indoor) or any(
            form["wind"].value() for form in self.forms
        )

    @cached_property
    def shows_tags(self):
        """
        Columns for the record tags and the note where a row has tags after its mark, or words
        after its mark that could not be placed (for the editor to type the tags in).
        """
        return any(
            form[name].value() for form in self.forms for name in ("records", "note", "left_out")
        ) or any(unplaced_after_mark(str(form["mark"].value() or "")) for form in self.forms)

    @cached_property
    def shows_hand_timed(self):
        """A hand-timed column where the event's times may be, as on the event's own page."""
        return self.event.discipline.is_sprint or any(
            form["hand_timed"].value() for form in self.forms
        )

    @cached_property
    def shows_altitude(self):
        """An altitude column where a row's mark was printed with an "A"."""
        return any(form["at_altitude"].value() for form in self.forms)

    def tally(self):
        """How the rows stand, for the line above the preview."""
        rows = [form for form in self.forms if form["include"].value()]
        return {
            "lines": len(self.forms),
            "saved": len(rows),
            "matched": sum(1 for form in rows if not form.creates_athlete),
            "to_choose": sum(1 for form in rows if form.awaits_choice),
            "new": sum(1 for form in rows if form.creates_athlete),
            "errors": sum(1 for form in self.forms if form.errors),
        }

    def clean(self):
        saved = list(self.event.results.select_related("athlete")) if self.event.pk else []
        entered = {result.athlete_id for result in saved}
        # The saved results take part in the list's rules: a pasted winner must agree
        # with a winner already stored.
        rows = [(result.athlete.name, result) for result in saved]
        forms_by_label = {}
        for number, form in enumerate(self.forms, start=1):
            data = form.cleaned_data
            if not data.get("include"):
                continue
            self._clean_row(form, data, entered)
            if form.errors:
                # Its place, mark or athlete are not known for sure: left out of the
                # list's rules until it is corrected.
                continue
            result = self._check_result(form, data)
            if not form.errors:
                label = gettext("row %(number)s") % {"number": number}
                rows.append((label, result))
                forms_by_label[label] = form
        summary = []
        for label, field_name, message in result_list_problems(rows, self.event.discipline):
            if label in forms_by_label:
                forms_by_label[label].add_error(field_name, message)
            else:
                summary.append(saved_row_problem(label, field_name, message))
        for number, form in enumerate(self.forms, start=1):
            for field_name, errors in form.errors.items():
                summary.extend(_row_error(number, form, field_name, message) for message in errors)
        if summary:
            raise forms.ValidationError(
                [_("Correct the rows marked below; nothing was saved."), *summary]
            )

    def _clean_row(self, form, data, entered):
        athlete = data.get("athlete")
        if athlete is not None and athlete.pk in entered:
            form.add_error("athlete", _("This athlete already has a result in this event."))
        code = (data.get("nation") or "").upper()
        data["country"] = self.codes.get(code) if code else None
        if code and data["country"] is None:
            form.add_error("nation", _("“%(code)s” is not a nation code.") % {"code": code})
        elif data["country"] is None and athlete is None:
            form.add_error("nation", _("A new athlete needs a nation."))
        competition = self.event.competition
        if data.get("at_altitude") and not competition.at_altitude:
            form.add_error(
                "at_altitude",
                _(
                    "The sheet prints an “A” (at altitude) after this mark, but %(competition)s "
                    "is not given an altitude of %(least)s m or more, and a mark is flagged by "
                    "its competition's altitude. Give the competition its altitude, or untick "
                    "this to save the result without the flag."
                )
                % {
                    "competition": competition,
                    "least": number_format(ALTITUDE_M, force_grouping=True),
                },
            )
        text = (data.get("mark") or "").strip()
        data["mark"] = data["decimals"] = None
        if text:
            try:
                data["mark"] = self.event.discipline.parse_mark(text)
            except forms.ValidationError as error:
                form.add_error("mark", error)
            else:
                # 3:45.10 keeps its hundredths, as typed in the admin (Result.decimals).
                data["decimals"] = marks.typed_decimals(text, self.event.discipline)

    def _check_result(self, form, data):
        """
        The row as `save_rows` will save it, checked by the models' own rules (the athlete's
        sex, birth and retirement, a place or a mark as the status allows), so that what
        would refuse the save is reported on its row now. Returns the unsaved result.
        """
        athlete = data["athlete"]
        if athlete is None:
            given, family = split_name(data["name"])
            athlete = Athlete(
                given_name=given, family_name=family, sex=self.event.sex, country=data["country"]
            )
            # The slug is chosen when saving; the nation is one of `codes`, read from the
            # database (checking it again would cost a query per row).
            _report(
                form,
                athlete,
                _ATHLETE_FIELDS,
                name_fields=True,
                exclude=["slug", "country"],
                validate_unique=False,
            )
            data["new_athlete"] = athlete
        result = row_result(self.event, athlete, data)
        # The event, athlete and nation were all read from the database: checking that they
        # exist would cost three queries per row. Uniqueness is the list's rule above; the
        # check constraints repeat what clean() and the field validators say.
        _report(
            form,
            result,
            _RESULT_FIELDS,
            exclude=["event", "athlete", "country"],
            validate_unique=False,
            validate_constraints=False,
        )
        return result


def row_result(event, athlete, data):
    """A row's unsaved result, from its cleaned `data`: what the preview checks, the save writes."""
    return Result(
        event=event,
        athlete=athlete,
        country=data["country"] or athlete.country,
        place=data.get("place"),
        status=data["status"],
        mark=data["mark"],
        decimals=data.get("decimals"),
        wind=data.get("wind"),
        hand_timed=data.get("hand_timed", False),
        records=data.get("records", ""),
        note=data.get("note", ""),
    )


def _report(form, instance, fields, name_fields=False, **options):
    """
    Run `instance.full_clean(**options)` and put its errors on the row's `fields`, each
    message led by the model field's name where the row does not show that field (or shows
    it as part of another, with `name_fields`: a new athlete's given name in the name).
    """
    try:
        instance.full_clean(**options)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            field_name = fields.get(name)
            if name != NON_FIELD_ERRORS and (field_name is None or name_fields):
                label = instance._meta.get_field(name).verbose_name
                messages = [f"{label}: {message}" for message in messages]
            for message in messages:
                form.add_error(field_name, message)


def _row_error(number, form, field_name, message):
    if field_name == NON_FIELD_ERRORS:
        return _("Row %(row)s: %(message)s") % {"row": number, "message": message}
    label = str(form.fields[field_name].label).lower()
    return _("Row %(row)s, %(field)s: %(message)s") % {
        "row": number,
        "field": label,
        "message": message,
    }


PastedRowFormSet = forms.formset_factory(
    PastedRowForm,
    formset=BasePastedRowFormSet,
    extra=0,
    max_num=MAX_FORMS,
    absolute_max=MAX_FORMS,
    validate_max=True,
)


def preview_data(rows, prefix=None):
    """The rows read, as the preview's form posts them: bound to it, every row is checked."""
    prefix = prefix or PastedRowFormSet.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(MAX_FORMS),
    }
    for index, row in enumerate(rows):
        values = {
            "line": row.line,
            "include": "on",
            "place": "" if row.place is None else str(row.place),
            "status": row.status,
            "name": row.name,
            "athlete": "" if row.athlete is None else str(row.athlete),
            "suggested": " ".join(str(pk) for pk in row.suggested),
            "suggestion": "",
            "nation": row.nation,
            "mark": row.mark,
            "wind": row.wind,
            "hand_timed": "on" if row.hand_timed else "",
            "at_altitude": "on" if row.at_altitude else "",
            "records": row.records,
            "note": row.note,
            "left_out": row.left_out,
        }
        data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    return data


def paste_preview(*, event, text, source, admin_site):
    """
    The preview of `text` pasted into `event`: the sheet's form (its source, and a token of
    the event as shown) and the rows' formset, every row already checked.
    """
    # Taken before the rows are checked, so that what they are checked against is never
    # older than what the token vouches for.
    token = scope_token(paste_scopes(event))
    rows, codes = read_result_list(text, event.sex)
    formset = PastedRowFormSet(preview_data(rows), event=event, codes=codes, admin_site=admin_site)
    formset.is_valid()
    sheet = PastedSheetForm(
        {"token": token, "source": "" if source is None else str(source.pk)},
        admin_site=admin_site,
    )
    sheet.is_valid()
    return sheet, formset


class StalePaste(ValidationError):
    """The event or its results changed since the preview was shown."""


@transaction.atomic
@deferred()
def save_rows(event, formset, *, token, source=None):
    """
    Save a previewed paste, all or nothing: refused with StalePaste when the event or its
    results changed since the preview (`token`); None, with nothing saved, when a row breaks
    a rule (checked here, in the transaction that writes); else the rows created, new
    athletes and results, every result citing `source`.
    """
    try:
        check_scope_token(token, paste_scopes(event))
    except ValidationError as error:
        raise StalePaste(error.messages) from None
    if not formset.is_valid():
        return None
    rows = [form.cleaned_data for form in formset.forms if form.cleaned_data.get("include")]
    newcomers = [data["new_athlete"] for data in rows if data["athlete"] is None]
    slugs = free_slugs([(athlete.given_name, athlete.family_name) for athlete in newcomers])
    created, results = [], []
    # Each row was checked by the formset just now, in this transaction: the models'
    # full_clean() would repeat those checks with several queries per row.
    for athlete, slug in zip(newcomers, slugs, strict=True):
        athlete.slug = slug
        athlete.save()
        created.append(athlete)
    for data in rows:
        result = row_result(event, data["athlete"] or data["new_athlete"], data)
        # One snapshot of the new result, its citation included (not one for each write).
        with one_snapshot(result, created=True) as written:
            result.save()
            if source is not None:
                result.sources.add(source)
            written.append(result)
        results.append(result)
    describe(
        kind=Revision.Kind.PASTE,
        comment=_(
            "Pasted a result list into %(event)s (results: %(results)d; new athletes: "
            "%(athletes)d)."
        )
        % {"event": event, "results": len(results), "athletes": len(newcomers)},
    )
    return created + results
