"""
An athlete's bests, from their results in hand: personal bests, season bests (progression)
and barrier counts.

Each counts the marks that are legal (`Result.is_legal`), plus the kinds kept apart that the
reader asked to include, and shows beside it the best mark kept apart when that one is better:
a wind-aided 9.50w beside a legal 9.58.
"""

from collections import defaultdict
from dataclasses import dataclass

from ..charts import line_chart
from ..models import Barrier


@dataclass
class Best:
    """The best counting mark of some results, and the better mark kept apart, if any."""

    result: object = None
    apart: object = None

    @property
    def speed_kmh(self):
        return self.result.speed_kmh if self.result else None


def best_of(results, discipline, include=()):
    """The `Best` of `results` in `discipline` (an earlier mark wins a tie)."""
    best = Best()
    for result in results:
        if not result.is_finished or result.mark is None:
            continue
        kind = "result" if result.counts_with(include) else "apart"
        current = getattr(best, kind)
        if current is None or discipline.beats(result.mark, current.mark):
            setattr(best, kind, result)
    if best.apart and best.result and not discipline.beats(best.apart.mark, best.result.mark):
        best.apart = None
    return best


def by_discipline(results):
    """{discipline: [results]} in the order of `results`, disciplines in list order."""
    groups = defaultdict(list)
    disciplines = {}
    for result in results:
        discipline = result.event.discipline
        disciplines[discipline.pk] = discipline
        groups[discipline.pk].append(result)
    ordered = sorted(disciplines.values(), key=lambda d: (d.position, d.code))
    return {discipline: groups[discipline.pk] for discipline in ordered}


@dataclass
class PersonalBest(Best):
    discipline: object = None


class BestsTable(list):
    """Rows of `Best`s: a table shows the column of marks kept apart only when one has one."""

    @property
    def any_apart(self):
        return any(best.apart for best in self)


def personal_bests(results, include=()):
    """The best mark per discipline, road and track apart."""
    bests = {"road": BestsTable(), "track": BestsTable()}
    for discipline, group in by_discipline(results).items():
        best = best_of(group, discipline, include)
        if best.result or best.apart:
            venue = "road" if discipline.is_road else "track"
            bests[venue].append(PersonalBest(best.result, best.apart, discipline))
    return bests


def season_bests(results, include=()):
    """Each discipline's best per year: [(discipline, [(year, Best), …])]."""
    table = []
    for discipline, group in by_discipline(results).items():
        years = defaultdict(list)
        for result in group:
            years[result.event.competition.year].append(result)
        seasons = []
        for year in sorted(years):
            best = best_of(years[year], discipline, include)
            if best.result or best.apart:
                seasons.append((year, best))
        if seasons:
            table.append((discipline, seasons))
    return table


@dataclass
class Progression:
    discipline: object
    seasons: list
    chart: object

    @property
    def any_apart(self):
        return any(best.apart for _year, best in self.seasons)


def progression(results, include=()):
    """Season bests per discipline, each with a chart of the counting marks."""
    charts = []
    for discipline, seasons in season_bests(results, include):
        points = [(year, best.result.mark) for year, best in seasons if best.result]
        chart = line_chart(points, discipline.lower_is_better, discipline.format_mark)
        charts.append(Progression(discipline, seasons, chart))
    return charts


@dataclass
class BarrierCount:
    barrier: object
    results: list
    apart: list

    @property
    def count(self):
        return len(self.results)

    @property
    def best(self):
        return self.results[0] if self.results else None


def barrier_counts(athlete, results, include=()):
    """
    How many of the athlete's counting marks beat each barrier kept for their disciplines,
    best first, with the marks kept apart that beat it too.
    """
    groups = by_discipline(results)
    barriers = Barrier.objects.filter(
        discipline_id__in=[discipline.pk for discipline in groups], sex=athlete.sex
    ).select_related("discipline")
    counts = []
    for barrier in barriers:
        discipline = barrier.discipline
        beating = [
            result
            for result in groups.get(discipline, [])
            if result.is_finished
            and result.mark is not None
            and discipline.beats(result.mark, barrier.mark)
        ]
        beating.sort(key=lambda result: discipline.mark_sort_key(result.mark))
        counting = [result for result in beating if result.counts_with(include)]
        apart = [result for result in beating if not result.counts_with(include)]
        if beating:
            counts.append(BarrierCount(barrier, counting, apart))
    return counts
