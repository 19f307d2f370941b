"""
Reading a result list pasted as sources print it:

    1. Jefferson Pérez (EC) 1 h 20' 07"
    2  Ilya Markov  RUS  1:20:16
    3 SEGURA Bernardo MEX 1:20:23
    DNF Name (MEX)

Each line becomes a `PastedRow`: place or status, the name as written, the nation's code
(IOC, or the vehicle code some sources print: EC, E, PL…), the mark as text, and the
existing athletes whose name matches (accents, case and word order ignored).

Before anything is saved, each row is checked as `save_rows` will save it (`Result.clean()`:
the athlete's sex, birth and retirement, the mark for the discipline) and the whole list,
with the event's results already saved, by `results.rules.result_list_problems`, the rules
the admin's results table and `loaddata` run too.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from athletes.models import Athlete, Country, fold
from revisions.context import describe
from revisions.models import Revision

from .models import MAX_PLACE, Result
from .rules import result_list_problems

_STATUSES = {"DNF": "DNF", "DNS": "DNS", "DQ": "DQ", "DSQ": "DQ", "NM": "NM"}
# Any number of digits: a place out of range is refused by the form, not read as a name.
_PLACE = re.compile(r"^\s*(?P<place>\d+)\s*[.)]?\s+")
_STATUS = re.compile(r"^\s*(?P<status>DNF|DNS|DQ|DSQ|NM)\b\.?\s*", re.IGNORECASE)
_NATION_IN_BRACKETS = re.compile(r"\(\s*(?P<code>[A-Za-z]{1,3})\s*\)")
_MARK_START = re.compile(r"\s(?=\d)")


@dataclass
class PastedRow:
    line: str
    place: int | None = None
    status: str = Result.Status.FINISHED
    name: str = ""
    nation: str = ""
    mark: str = ""
    candidates: list = field(default_factory=list)

    @property
    def athlete(self):
        """The one athlete the name matches, or None when it matches none or several."""
        return self.candidates[0] if len(self.candidates) == 1 else None


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
    bracketed = _NATION_IN_BRACKETS.search(rest)
    if bracketed:
        row.nation = bracketed.group("code").upper()
        row.name = rest[: bracketed.start()].strip()
        rest = rest[bracketed.end() :]
    else:
        # The nation is the last word in capitals that is a known code ("RUS", "E"),
        # so that a family name printed in capitals ("MARKOV") stays in the name.
        words = rest.split()
        for index in range(len(words) - 1, 0, -1):
            if words[index] in codes and not words[index][:1].isdigit():
                row.nation = words[index]
                row.name = " ".join(words[:index])
                rest = " ".join(words[index + 1 :])
                break
        else:
            match = _MARK_START.search(" " + rest)
            cut = match.start() if match else len(rest) + 1
            row.name = rest[: max(cut - 1, 0)].strip()
            rest = rest[max(cut - 1, 0) :]
    row.mark = rest.strip()
    return row


def nation_codes():
    """Every code a source may print for a nation, mapped to the nation."""
    codes = {}
    for country in Country.objects.all():
        codes.setdefault(country.code, country)
        if country.vehicle_code:
            # An IOC code wins over a vehicle code that happens to spell it (URU's ROU).
            codes.setdefault(country.vehicle_code, country)
    return codes


def name_key(name):
    return tuple(sorted(fold(name).replace("-", " ").split()))


def match_athletes(rows, sex):
    """Fill each row's candidates: athletes of the event's sex whose name matches."""
    words = {word for row in rows for word in name_key(row.name) if len(word) > 1}
    if not words:
        return
    longest = {row.line: max(name_key(row.name), key=len, default="") for row in rows}
    condition = Q()
    for word in {w for w in longest.values() if w}:
        condition |= Q(search_name__contains=word) | Q(aliases__search_name__contains=word)
    athletes = (
        Athlete.objects.filter(condition, sex=sex)
        .select_related("country")
        .prefetch_related("aliases")
        .distinct()
    )
    by_key = {}
    for athlete in athletes:
        keys = {name_key(athlete.name)} | {name_key(alias.name) for alias in athlete.aliases.all()}
        for key in keys:
            by_key.setdefault(key, []).append(athlete)
    for row in rows:
        row.candidates = by_key.get(name_key(row.name), [])


def read_result_list(text, sex):
    """Every non-blank line of `text` as a PastedRow, matched to existing athletes."""
    codes = nation_codes()
    rows = [split_line(line, codes) for line in text.splitlines() if line.strip()]
    match_athletes(rows, sex)
    return rows, codes


def unique_slug(given_name, family_name, year=None):
    """A free athlete slug: given-family, with the birth year or a number when taken."""
    base = slugify(f"{given_name} {family_name}") or "athlete"
    taken = set(Athlete.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    if year and f"{base}-{year}" not in taken:
        return f"{base}-{year}"
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


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


class PasteForm(forms.Form):
    lines = forms.CharField(
        label=_("Result list"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=_(
            "One athlete per line, as the source prints it: "
            "1. Jefferson Pérez (EC) 1 h 20' 07\" — 2  Ilya Markov  RUS  1:20:16 — DNF Name (MEX)"
        ),
    )


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
        label=_("name as written"), max_length=210, widget=forms.TextInput(attrs={"size": 22})
    )
    athlete = forms.CharField(
        label=_("existing athlete (slug)"),
        required=False,
        max_length=120,
        help_text=_("Leave empty to add a new athlete with this name."),
        widget=forms.TextInput(attrs={"size": 18}),
    )
    nation = forms.CharField(
        label=_("nation"), required=False, max_length=3, widget=forms.TextInput(attrs={"size": 4})
    )
    mark = forms.CharField(
        label=_("mark"), required=False, max_length=40, widget=forms.TextInput(attrs={"size": 12})
    )


# Where a result's or a new athlete's errors go on a pasted row.
_RESULT_FIELDS = {
    "place": "place",
    "status": "status",
    "mark": "mark",
    "athlete": "athlete",
    "country": "nation",
}
_ATHLETE_FIELDS = {"given_name": "name", "family_name": "name", "country": "nation"}


class BasePastedRowFormSet(forms.BaseFormSet):
    """Checks every pasted row against the event before anything is saved."""

    def __init__(self, *args, event, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.codes = codes

    def clean(self):
        slugs = {
            form.cleaned_data["athlete"] for form in self.forms if form.cleaned_data.get("athlete")
        }
        athletes = Athlete.objects.select_related("country").in_bulk(slugs, field_name="slug")
        saved = list(self.event.results.select_related("athlete")) if self.event.pk else []
        entered = {result.athlete.slug for result in saved}
        # The saved results take part in the list's rules: a pasted winner must agree
        # with a winner already stored.
        rows = [(result.athlete.name, result) for result in saved]
        forms_by_label = {}
        for number, form in enumerate(self.forms, start=1):
            data = form.cleaned_data
            if not data.get("include"):
                continue
            self._clean_row(form, data, athletes, entered)
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
                summary.append(
                    _("%(athlete)s (already saved), %(field)s: %(message)s")
                    % {
                        "athlete": label,
                        "field": Result._meta.get_field(field_name).verbose_name,
                        "message": message,
                    }
                )
        for number, form in enumerate(self.forms, start=1):
            for field_name, errors in form.errors.items():
                summary.extend(_row_error(number, form, field_name, message) for message in errors)
        if summary:
            raise forms.ValidationError(
                [_("Correct the rows marked below; nothing was saved."), *summary]
            )

    def _clean_row(self, form, data, athletes, entered):
        slug = data.get("athlete")
        data["athlete"] = None
        if slug:
            if slug not in athletes:
                form.add_error("athlete", _("No athlete has the slug “%(slug)s”.") % {"slug": slug})
            else:
                data["athlete"] = athletes[slug]
                if slug in entered:
                    form.add_error("athlete", _("This athlete already has a result in this event."))
        code = (data.get("nation") or "").upper()
        data["country"] = self.codes.get(code) if code else None
        if code and data["country"] is None:
            form.add_error("nation", _("“%(code)s” is not a nation code.") % {"code": code})
        elif data["country"] is None and data["athlete"] is None:
            form.add_error("nation", _("A new athlete needs a nation."))
        text = (data.get("mark") or "").strip()
        data["mark"] = None
        if text:
            try:
                data["mark"] = self.event.discipline.parse_mark(text)
            except forms.ValidationError as error:
                form.add_error("mark", error)

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
            # The slug is chosen when saving.
            _report(
                form,
                athlete,
                _ATHLETE_FIELDS,
                name_fields=True,
                exclude=["slug"],
                validate_unique=False,
            )
        result = Result(
            event=self.event,
            athlete=athlete,
            country=data["country"] or athlete.country,
            place=data.get("place"),
            status=data["status"],
            mark=data["mark"],
        )
        # An athlete not saved yet has no key to check. Uniqueness is the list's rule
        # above; the check constraints repeat what clean() and the field validators say,
        # and would cost a query each per row.
        _report(
            form,
            result,
            _RESULT_FIELDS,
            exclude=["athlete"] if athlete.pk is None else None,
            validate_unique=False,
            validate_constraints=False,
        )
        return result


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
    PastedRowForm, formset=BasePastedRowFormSet, extra=0, max_num=500, validate_max=True
)


def initial_rows(rows):
    return [
        {
            "line": row.line,
            "include": True,
            "place": row.place,
            "status": row.status,
            "name": row.name,
            "athlete": row.athlete.slug if row.athlete else "",
            "nation": row.nation,
            "mark": row.mark,
        }
        for row in rows
    ]


@transaction.atomic
def save_rows(event, formset):
    """Create the new athletes and every result of a checked formset, all or nothing."""
    describe(
        kind=Revision.Kind.PASTE,
        comment=_("Pasted a result list into %(event)s.") % {"event": event},
    )
    created = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data.get("include"):
            continue
        athlete = data["athlete"]
        if athlete is None:
            given, family = split_name(data["name"])
            athlete = Athlete(
                slug=unique_slug(given, family),
                given_name=given,
                family_name=family,
                sex=event.sex,
                country=data["country"],
            )
            athlete.full_clean()
            athlete.save()
            created.append(athlete)
        result = Result(
            event=event,
            athlete=athlete,
            country=data["country"] or athlete.country,
            place=data.get("place"),
            status=data["status"],
            mark=data["mark"],
        )
        result.full_clean()
        result.save()
        created.append(result)
    return created
