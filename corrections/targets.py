"""
The page a report is about, named in the address of the form the way the page's own
address names it:

    ?athlete=jefferson-perez
    ?competition=olympic-games-1996
    ?event=world-championships-2007/20KW/m/final

`target_query()` writes that query for a row, `find_target()` reads it back. What cannot be
a key of the archive (the wrong shape, a NUL byte, a thousand characters) is refused before
any query, as the public pages refuse it.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.utils.translation import gettext as _

from athletes.models import Athlete, Sex
from results.models import Competition, Event

from .models import Correction

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
DISCIPLINE_CODE = re.compile(r"[A-Za-z0-9]{1,20}")
KINDS = [choice.value for choice in Correction.Kind]


@dataclass
class Target:
    kind: str
    row: object

    @property
    def label(self):
        """The page's title, as the report keeps it."""
        if self.kind == Correction.Kind.EVENT:
            return f"{self.row.title}, {self.row.competition.name}"
        return str(self.row)

    @property
    def kind_label(self):
        return Correction.Kind(self.kind).label

    @property
    def query(self):
        return target_query(self.row)

    @property
    def url(self):
        return self.row.get_absolute_url()


def target_query(row):
    """The query string naming `row` (an athlete, a competition or an event) to the form."""
    if isinstance(row, Athlete):
        return urlencode({"athlete": row.slug})
    if isinstance(row, Competition):
        return urlencode({"competition": row.slug})
    if isinstance(row, Event):
        key = f"{row.competition.slug}/{row.discipline.code}/{row.sex.lower()}/{row.round}"
        return urlencode({"event": key}, safe="/")
    raise TypeError(f"No reader's correction is about a {type(row).__name__}.")


def find_target(query):
    """The Target a query names; Http404 unless it names exactly one page that exists."""
    named = [kind for kind in KINDS if kind in query]
    if len(named) != 1 or len(query.getlist(named[0])) != 1:
        raise Http404(_("Name one athlete, competition or event."))
    kind = named[0]
    value = query[kind]
    row = {"athlete": _athlete, "competition": _competition, "event": _event}[kind](value)
    if row is None:
        raise Http404(_("The archive has no such page."))
    return Target(kind, row)


def _athlete(value):
    if not SLUG.fullmatch(value):
        return None
    return Athlete.objects.filter(slug=value).first()


def _competition(value):
    if not SLUG.fullmatch(value):
        return None
    return Competition.objects.filter(slug=value).first()


def _event(value):
    parts = value.split("/")
    if len(parts) != 4:
        return None
    slug, code, sex, round_ = parts
    sex = sex.upper()
    if not (
        SLUG.fullmatch(slug)
        and DISCIPLINE_CODE.fullmatch(code)
        and sex in Sex.values
        and round_ in Event.Round.values
    ):
        return None
    return (
        Event.objects.select_related("competition", "discipline")
        .filter(competition__slug=slug, discipline__code=code, sex=sex, round=round_)
        .first()
    )
