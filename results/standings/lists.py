"""
All-time and season lists of a discipline: performances, performers, the best mark's
progression, and the best marks kept apart from them.

Each takes the results to rank (narrowed by the reader's filters: years, nation, the kinds
of marks counted) and a discipline and sex; each reads one page, never the whole list.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Window
from django.db.models.functions import Rank

from ..models import BestMark, Result

# Marks kept apart shown under a list: the best few, as statisticians print them.
APART_LENGTH = 10


def _in_list(results, discipline, sex):
    return results.filter(event__discipline=discipline, event__sex=sex).with_marks()


def performances(discipline, sex, results):
    """
    Every mark in a discipline, best first, each with its rank among performances (ties
    share a rank). Unevaluated: the caller slices it, so only one page is read.
    """
    order = discipline.mark_order()
    return (
        _in_list(results, discipline, sex)
        .with_related()
        .annotate(rank=Window(Rank(), order_by=order))
        .order_by(order, "event__competition__year", "pk")
    )


class RankedPerformers:
    """
    Each athlete's best mark in a discipline, best first, ranked with ties: a lazy sequence
    that a Paginator slices, so that only one page is ever read.

    The whole archive's legal marks are read from the best-mark table (`BestMark`, one row
    per athlete, in the order of an index). A list narrowed by years or nation, or counting
    marks kept apart, picks the best mark per athlete with a window function over the
    discipline's marks alone. Either way the page's rows are fetched afterwards by primary
    key. (Joined in one query, PostgreSQL misjudged the window's size and joined every
    result of the archive first.) A row's rank is one more than the number of performers
    whose best is better, so ties share a rank on every page.
    """

    def __init__(self, discipline, sex, results=None):
        self.discipline = discipline
        order = discipline.mark_order()
        if results is None:
            self.best = BestMark.objects.filter(discipline=discipline, sex=sex)
            self.ordering = [order, "year", "result_id"]
            self.key = "result_id"
        else:
            self.best = _in_list(results, discipline, sex).best_per_athlete(discipline)
            self.ordering = [order, "event__competition__year", "pk"]
            self.key = "pk"

    def count(self):
        return self.best.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        rows = list(self.best.order_by(*self.ordering).values_list(self.key, "mark")[window])
        if not rows:
            return []
        rank = self.best.filter(self.discipline.better_than(rows[0][1])).count() + 1
        by_pk = Result.objects.with_related().in_bulk([pk for pk, _mark in rows])
        start = window.start or 0
        page = []
        for index, (pk, mark) in enumerate(rows):
            if index and mark != rows[index - 1][1]:
                rank = start + index + 1
            result = by_pk[pk]
            result.rank = rank
            page.append(result)
        return page


def performers(discipline, sex, results=None):
    """
    Each athlete's best mark in a discipline, one row per athlete, ranked with ties: of
    `results` (narrowed, and legal as the reader counts them), or else of the whole
    archive's legal marks.
    """
    return RankedPerformers(discipline, sex, results)


def marks_kept_apart(discipline, sex, results, include=(), limit=APART_LENGTH):
    """
    The best marks that the list leaves out (wind-aided, without a wind reading, hand-timed,
    indoor), shown beside it with their flags; none when the reader counts them all.
    """
    left_out = [
        condition
        for kind, condition in Result.kept_apart(discipline).items()
        if kind not in include
    ]
    if not left_out:
        return []
    condition = Q()
    for part in left_out:
        condition |= part
    return list(
        _in_list(results, discipline, sex)
        .filter(condition)
        .with_related()
        .order_by(discipline.mark_order(), "event__competition__year", "pk")[:limit]
    )


@dataclass
class RecordStep:
    year: int
    mark: int
    results: list


def best_mark_progression(discipline, sex, results):
    """
    How the best mark in the archive improved over the years: the best mark of each year,
    kept where it beat every earlier year. One aggregate query over the discipline and one
    for the results that set those marks.
    """
    scoped = _in_list(results, discipline, sex)
    seasons = (
        scoped.values("event__competition__year")
        .annotate(best=discipline.best_of())
        .order_by("event__competition__year")
    )
    steps = []
    for season in seasons:
        if not steps or discipline.beats(season["best"], steps[-1].mark):
            steps.append(RecordStep(season["event__competition__year"], season["best"], []))
    if not steps:
        return []
    condition = Q()
    for step in steps:
        condition |= Q(event__competition__year=step.year, mark=step.mark)
    by_step = defaultdict(list)
    for result in scoped.filter(condition).select_related(
        "athlete", "country", "event__competition", "event__discipline"
    ):
        by_step[(result.event.competition.year, result.mark)].append(result)
    for step in steps:
        step.results = by_step[(step.year, step.mark)]
    return steps
