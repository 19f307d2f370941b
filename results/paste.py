"""
Reading a result list pasted as sources print it:

    1. Jefferson Pérez (EC) 1 h 20' 07"
    2  Ilya Markov  RUS  1:20:16
    3 SEGURA Bernardo MEX 1:20:23
    DNF Name (MEX)

Each line becomes a `PastedRow`: place or status, the name as written, the nation's code
(IOC, or the vehicle code some sources print: EC, E, PL…), the mark as text, and the
existing athletes whose name matches (accents, case and word order ignored).
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from athletes.models import Athlete, Country, fold

from .forms import check_result_rows
from .models import Result

_STATUSES = {"DNF": "DNF", "DNS": "DNS", "DQ": "DQ", "DSQ": "DQ", "NM": "NM"}
_PLACE = re.compile(r"^\s*(?P<place>\d{1,4})\s*[.)]?\s+")
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
        row.place = int(place.group("place"))
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


class BasePastedRowFormSet(forms.BaseFormSet):
    """Checks every pasted row against the event before anything is saved."""

    def __init__(self, *args, event, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.codes = codes

    def clean(self):
        if any(self.errors):
            return
        slugs = {
            form.cleaned_data["athlete"] for form in self.forms if form.cleaned_data.get("athlete")
        }
        athletes = Athlete.objects.select_related("country").in_bulk(slugs, field_name="slug")
        entered = (
            set(self.event.results.values_list("athlete__slug", flat=True))
            if self.event.pk
            else set()
        )
        rows = []
        for number, form in enumerate(self.forms, start=1):
            data = form.cleaned_data
            if not data.get("include"):
                continue
            self._clean_row(form, data, athletes, entered)
            rows.append((number, data))
        for number, field_name, message in check_result_rows(rows):
            self.forms[number - 1].add_error(field_name, message)
        if any(form.errors for form in self.forms):
            raise forms.ValidationError(_("Correct the rows marked below; nothing was saved."))

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
        if data["status"] != Result.Status.FINISHED and data.get("place") is not None:
            form.add_error("place", _("Only a finished result has a place."))
        if data["status"] == Result.Status.FINISHED and data.get("place") is None and not text:
            form.add_error("place", _("A finished result needs a place or a mark."))


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
