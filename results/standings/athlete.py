"""One athlete's page: their results by discipline, podiums, rivals and the whole profile."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F

from athletes.models import Athlete, Source
from revisions.statements import prepared

from ..models import EVENT_RELATED, Event, Result
from .bests import barrier_counts, by_discipline, personal_bests, progression
from .events import top_three_by_event
from .medals import MedalTable, athlete_medals_by_championship

# The races of one season in the order they were held, read from what the archive says of
# them (never from row ids, which an export and a reload renumber): the order of a profile,
# of a head-to-head and of the API's result list.
SEASON_ORDER = (
    F("event__date").asc(nulls_last=True),
    F("event__competition__start_date").asc(nulls_last=True),
    # Undated races of one year keep a stable order that survives an export: the
    # competition's and the discipline's unique keys settle what their names leave equal.
    "event__competition__name",
    "event__competition__slug",
    "event__discipline__position",
    "event__discipline__code",
    "event__sex",
    # Heats before their final, when the day does not already say so.
    Event.round_as_run("event__round"),
)

# An athlete's results, oldest first: the order of their profile and of a head-to-head.
RESULT_ORDER = ("event__competition__year", *SEASON_ORDER)


def athlete_results(athlete):
    """Every result of `athlete`, oldest first, with what the tables show (one query)."""
    results = (
        Result.objects.filter(athlete=athlete)
        .select_related(*EVENT_RELATED, "country")
        .order_by(*RESULT_ORDER)
    )
    # One athlete's by their index, whoever they are: a plan kept for any (five tables
    # joined took PostgreSQL longer to plan than to run).
    with prepared():
        results = list(results)
    # The athlete in hand, not joined again to each row.
    for result in results:
        result.athlete = athlete
    return results


def chronological(result):
    event = result.event
    return (event.competition.year, event.day or date.max, event.competition.name)


def podiums(results):
    """
    The finals in which the athlete was in the top three, newest first, each with its
    whole podium (one query for the other athletes on those podiums).
    """
    own = {result.event_id: result for result in results if result.is_podium}
    if not own:
        return []
    # Those finals as a subquery, not a list of keys: one statement for any athlete, which
    # PostgreSQL plans once per connection (revisions/statements.py).
    finals = Result.objects.podiums().filter(athlete_id=results[0].athlete_id).values("event_id")
    with prepared():
        by_event = top_three_by_event(Result.objects.filter(event_id__in=finals))
    for event_id, result in own.items():
        # The athlete's own result already holds the event: spare each row a query.
        for podium_result in by_event[event_id]:
            podium_result.event = result.event
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


def rivals(athlete, limit=10, results=None):
    """
    The athletes met most often in the same events, with the head-to-head count: how often
    this athlete finished ahead and behind (`Result.ahead`). The other results of the
    athlete's events are read in one query and counted here; `results` are the athlete's
    own, when the caller holds them already.
    """
    if results is None:
        results = Result.objects.filter(athlete=athlete).only("event_id", "place", "status")
    own = {result.event_id: (result.place, result.is_finished) for result in results}
    counts = defaultdict(lambda: [0, 0, 0])  # meetings, ahead, behind
    # The athlete's events as a subquery, not a list of keys: one statement for anyone,
    # planned once per connection on PostgreSQL (revisions/statements.py).
    others = (
        Result.objects.filter(
            event_id__in=Result.objects.filter(athlete=athlete).values("event_id")
        )
        .exclude(athlete=athlete)
        .values_list("athlete_id", "event_id", "place", "status")
        .order_by()  # counted in any order: no join for the results' own ordering
    )
    with prepared():
        others = list(others)
    ahead_of, finished = Result.ahead, Result.Status.FINISHED  # read once for a thousand rows
    for other_id, event_id, place, status in others:
        tally = counts[other_id]
        tally[0] += 1
        own_place, own_finished = own[event_id]
        ahead = ahead_of(own_place, own_finished, place, status == finished)
        if ahead is not None:
            tally[1 if ahead else 2] += 1
    # The most met first, then those who beat the athlete most; a tie by family name: the
    # names of the last place's rivals and every one tied with them are read.
    ranked = sorted(counts.items(), key=lambda item: (-item[1][0], -item[1][2]))
    if len(ranked) > limit:
        last = ranked[limit - 1][1]
        ranked = [item for item in ranked if (item[1][0], item[1][2]) >= (last[0], last[2])]
    athletes = Athlete.objects.select_related("country").in_bulk([pk for pk, _ in ranked])
    ranked.sort(key=lambda item: (-item[1][0], -item[1][2], athletes[item[0]].sort_name))
    return [
        Rival(athletes[pk], meetings, ahead, behind)
        for pk, (meetings, ahead, behind) in ranked[:limit]
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
    sources: list
    order: str
    include: tuple

    @property
    def is_empty(self):
        return not self.results


def profile_sources(athlete):
    """
    Where a profile's facts were read: the athlete's sources and those his results cite,
    each once (one query).
    """
    # Each by its own index (an athlete's citations; his results', by result): joined
    # together, the planner read every citation of every result.
    own = Athlete.sources.through.objects.filter(athlete=athlete).values("source_id")
    of_results = Result.sources.through.objects.filter(result__athlete=athlete).values("source_id")
    cited = Source.objects.filter(pk__in=own.union(of_results))
    with prepared():
        return list(cited)


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
        rivals=rivals(athlete, results=results) if results else [],
        sources=profile_sources(athlete),
        order=order,
        include=tuple(include),
    )
