"""
What the home page shows, each part in a fixed number of queries whatever the archive
holds: the athletes whose profile an editor has written (with the best medal of each),
the latest additions and corrections, "on this day" (winners and birthdays on today's date
in past years) and the latest records.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from athletes.models import NAME_ORDER, Athlete, Sex
from revisions.models import Revision

from ..models import Competition, Event, Medal, Result

FEATURED = 6
LATEST_CHANGES = 8
ON_THIS_DAY = 8
LATEST_RECORDS = 6
# The first year "on this day" looks back to: before the first modern championships.
FIRST_YEAR = 1850
LOADED = Revision.Kind.LOAD


@dataclass
class Featured:
    athlete: Athlete
    highlight: str


@dataclass
class Change:
    """One athlete or competition added or corrected, as its history records it."""

    when: datetime
    added: bool
    name: str
    url: str
    # "added" or "corrected", in words that agree with what was (see `what_happened`).
    happened: str


def what_happened(obj, added):
    """
    "added" or "corrected" said of a competition, a man or a woman: one string for each, told
    apart by its context, since a language may say them differently (Spanish: a competition
    "añadida", an athlete "añadido" if he is a man, "añadida" if she is a woman).
    """
    if isinstance(obj, Competition):
        if added:
            return pgettext("competition", "added")
        return pgettext("competition", "corrected")
    if obj.sex == Sex.WOMEN:
        if added:
            return pgettext("athlete, woman", "added")
        return pgettext("athlete, woman", "corrected")
    if added:
        return pgettext("athlete, man", "added")
    return pgettext("athlete, man", "corrected")


def featured_athletes():
    """The athletes with a written profile, each with their best championship medal."""
    athletes = list(
        Athlete.objects.exclude(biography="")
        .select_related("country")
        .order_by(*NAME_ORDER)[:FEATURED]
    )
    medals = (
        Medal.objects.filter(athlete__in=athletes)
        .select_related("championship")
        .order_by("place", "championship__position", "year")
    )
    best = {}
    for medal in medals:
        best.setdefault(medal.athlete_id, medal)
    return [Featured(athlete, highlight(best.get(athlete.pk))) for athlete in athletes]


def highlight(medal):
    """ "Olympic Games 1996: gold", or nothing for an athlete without a medal."""
    if medal is None:
        return ""
    names = {1: _("gold"), 2: _("silver"), 3: _("bronze")}
    return _("%(championship)s %(year)s: %(medal)s") % {
        "championship": _(medal.championship.name),
        "year": medal.year,
        "medal": names[medal.place],
    }


def latest_changes():
    """The athletes and competitions added or corrected last, newest first, each once."""
    changes = []
    for model in (Athlete, Competition):
        rows = (
            model.history.filter(history_type__in=("+", "~"))
            .order_by("-history_date")
            .values("id", "history_type", "history_date", "revision__kind")[: LATEST_CHANGES * 4]
        )
        newest = {}
        for row in rows:
            newest.setdefault(row["id"], row)
        current = model.objects.in_bulk(list(newest))
        for pk, row in newest.items():
            if pk in current:
                obj = current[pk]
                # A row written by a fixture load arrived with it, whatever the load's own
                # saves recorded.
                added = row["history_type"] == "+" or row["revision__kind"] == LOADED
                changes.append(
                    Change(
                        when=row["history_date"],
                        added=added,
                        name=str(obj),
                        url=obj.get_absolute_url(),
                        happened=what_happened(obj, added),
                    )
                )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:LATEST_CHANGES]


def same_day_in_past_years(today):
    """Today's month and day in every past year that has it (29 February, leap years)."""
    days = []
    for year in range(FIRST_YEAR, today.year):
        try:
            days.append(date(year, today.month, today.day))
        except ValueError:
            continue
    return days


def on_this_day(today):
    """The winners of the events held on today's date in past years, and the birthdays."""
    days = same_day_in_past_years(today)
    # An event's own date, or its competition's first day when the event has none: each an
    # IN over an indexed date column, read apart (as one OR, PostgreSQL scans every event).
    # Finals only: a heat's winner did not win the event.
    finals = Event.objects.filter(round=Event.Round.FINAL)
    dated = finals.filter(date__in=days).values_list("pk", flat=True)
    undated = finals.filter(date__isnull=True, competition__start_date__in=days).values_list(
        "pk", flat=True
    )
    # With no event on this day the winners are still asked for, of an id no row has: the
    # page runs the same queries every day.
    events = [*dated, *undated] or [0]
    winners = (
        Result.objects.filter(event__in=events, place=1)
        .select_related(
            # The nation they won for, not the one they may have changed to since.
            "country",
            "athlete",
            "event__competition",
            "event__discipline",
            "event__competition__country",
        )
        .order_by("-event__competition__year", "event__discipline__name")[:ON_THIS_DAY]
    )
    birthdays = (
        Athlete.objects.filter(date_of_birth__in=days)
        .select_related("country")
        .order_by("date_of_birth", "family_name")[:ON_THIS_DAY]
    )
    return {"winners": list(winners), "birthdays": list(birthdays), "today": today}


def latest_records():
    """The results carrying a record tag, the latest first. A partial index holds them; the
    query starts from it (an IN over their ids) rather than from every competition by year."""
    tagged = Result.objects.exclude(records="").values("pk")
    # Not a prepared statement (revisions.statements): the partial index of tagged results
    # serves it only when planned for its values.
    return list(
        Result.objects.filter(pk__in=tagged)
        .select_related("athlete", "country", "event__competition", "event__discipline")
        .order_by("-event__competition__year", "-event__date", "-pk")[:LATEST_RECORDS]
    )
