"""One athlete's page: their results by discipline, podiums, rivals and the whole profile."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from athletes.models import Athlete

from ..models import Result
from .bests import barrier_counts, by_discipline, personal_bests, progression
from .events import top_three_by_event
from .medals import MedalTable, athlete_medals_by_championship


def athlete_results(athlete):
    """Every result of `athlete`, oldest first, with what the tables show (one query)."""
    return list(
        Result.objects.filter(athlete=athlete)
        .with_related()
        .order_by(
            "event__competition__year",
            F("event__date").asc(nulls_last=True),
            F("event__competition__start_date").asc(nulls_last=True),
            # Undated races of one year keep a stable order that survives an export.
            "event__competition__name",
            "event__discipline__position",
            "event__sex",
            "event__round",
        )
    )


def chronological(result):
    event = result.event
    return (event.competition.year, event.day or date.max, event.competition.name)


def podiums(results):
    """
    The finals in which the athlete was in the top three, newest first, each with its
    whole podium (one query for the other athletes on those podiums).
    """
    event_ids = [result.event_id for result in results if result.is_podium]
    if not event_ids:
        return []
    by_event = top_three_by_event(Result.objects.filter(event_id__in=event_ids))
    own = {result.event_id: result for result in results if result.event_id in by_event}
    for event_id, podium in by_event.items():
        # The athlete's own result already holds the event: spare each row a query.
        for podium_result in podium:
            podium_result.event = own[event_id].event
    ordered = sorted(own.values(), key=chronological, reverse=True)
    return [(result, by_event[result.event_id]) for result in ordered]


def age_at(athlete, result):
    """
    The athlete's age at the event: exact when the day is known, else the two ages the
    athlete had during that year ("21–22").
    """
    born = athlete.date_of_birth
    if born is None:
        return ""
    day = result.event.day
    if day is not None:
        return str(athlete.age_on(day))
    year = result.event.competition.year
    return f"{year - born.year - 1}–{year - born.year}"


@dataclass
class ResultRow:
    result: object
    age: str


def results_by_discipline(athlete, results, order="date"):
    """The athlete's results grouped by discipline; each group by date, or best mark first."""
    groups = by_discipline(results)
    table = []
    for discipline in sorted(groups, key=lambda d: (not d.is_road, d.position, d.code)):
        rows = [ResultRow(result, age_at(athlete, result)) for result in groups[discipline]]
        if order == "mark":
            rows.sort(key=lambda row: discipline.mark_sort_key(row.result.mark))
        else:
            rows.sort(key=lambda row: chronological(row.result))
        table.append((discipline, rows))
    return table


@dataclass
class Rival:
    athlete: object
    meetings: int
    ahead: int
    behind: int


def rivals(athlete, limit=10):
    """
    The athletes met most often in the same events, with the head-to-head count: how often
    this athlete finished ahead and behind. Aggregated in SQL over the athlete's events.
    """
    own = Result.objects.filter(athlete=athlete, event=OuterRef("event"))
    own_place = Subquery(own.values("place")[:1])
    own_finished = Exists(own.finished())
    finished = Q(status=Result.Status.FINISHED)
    rows = (
        Result.objects.filter(event__results__athlete=athlete)
        .exclude(athlete=athlete)
        .annotate(own_place=own_place, own_finished=own_finished)
        .values("athlete")
        .annotate(
            meetings=Count("pk"),
            ahead=Count(
                "pk", filter=(Q(own_finished=True) & ~finished) | Q(place__gt=F("own_place"))
            ),
            behind=Count(
                "pk", filter=(Q(own_finished=False) & finished) | Q(place__lt=F("own_place"))
            ),
        )
        .order_by("-meetings", "-behind", "athlete__family_name")[:limit]
    )
    rows = list(rows)
    athletes = Athlete.objects.select_related("country").in_bulk([row["athlete"] for row in rows])
    return [
        Rival(athletes[row["athlete"]], row["meetings"], row["ahead"], row["behind"])
        for row in rows
    ]


@dataclass
class AthleteProfile:
    results: list
    medals: MedalTable
    podiums: list
    personal_bests: dict
    barriers: list
    progression: list
    results_by_discipline: list
    rivals: list
    order: str
    include: tuple

    @property
    def is_empty(self):
        return not self.results


def athlete_profile(athlete, order=None, include=()):
    """
    Every table of an athlete's page, in a fixed number of queries. `include` names the
    kinds of marks kept apart (`Result.APART_KINDS`) that the bests count too.
    """
    order = "mark" if order == "mark" else "date"
    results = athlete_results(athlete)
    return AthleteProfile(
        results=results,
        medals=athlete_medals_by_championship(results),
        podiums=podiums(results),
        personal_bests=personal_bests(results, include),
        barriers=barrier_counts(athlete, results, include) if results else [],
        progression=progression(results, include),
        results_by_discipline=results_by_discipline(athlete, results, order),
        rivals=rivals(athlete) if results else [],
        order=order,
        include=tuple(include),
    )
