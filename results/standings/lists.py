"""
All-time and season lists of a discipline: performances, performers, the best mark's
progression, and the best marks kept apart from them.

Each reads the listed marks (`ListedMark`: every finished mark with its discipline, sex,
year, nation and why it may be kept apart), narrowed by the reader's filters (years, nation)
and counted as the reader asks (legal marks, or also the kinds kept apart), one index range
of one table; the whole archive's performers come from the best-mark table. Each reads one
page, never the whole list, and fetches that page's results by primary key.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from revisions.statements import prepared

from ..models import BestMark, BestMarkCount, ListedMark, ListedMarkCount, Result

# Marks kept apart shown under a list: the best few, as statisticians print them.
APART_LENGTH = 10
# A list of performers reads this many times as many marks kept apart, to keep one per athlete.
APART_READ = 3

# What a list shows of each row's result, joined from a listed or best mark. The discipline
# is the list's own, given to each row rather than joined: each model a row builds costs a
# list of a hundred rows about half a millisecond (make bench).
RESULT_RELATED = ["result__athlete", "result__country", "result__event__competition"]
# What a file or the API shows more of each row: the venue's nation, the championship.
VENUE_RELATED = ["result__event__competition__country", "result__event__competition__championship"]


def listed_marks(discipline, sex, rows=None):
    """The listed marks of a discipline and sex, of `rows` (already narrowed) or of all."""
    rows = ListedMark.objects.all() if rows is None else rows
    return rows.filter(discipline=discipline, sex=sex)


class RankedMarks:
    """
    Rows of marks, best first, ranked with ties: a lazy sequence that a Paginator slices, so
    that only one page is ever read. A row's rank is one more than the number of rows whose
    mark is better, so ties share a rank on every page; each row of a page is its `Result`
    (with everything a list shows) carrying its `rank`.
    """

    def __init__(
        self,
        discipline,
        rows,
        tie_breaks=("year", "result_id"),
        related=(),
        athletes_of=None,
        length=None,
        prepare=False,
    ):
        self.discipline = discipline
        self.rows = rows
        self.tie_breaks = tie_breaks
        self.ordering = [discipline.mark_order(), *tie_breaks]
        self.related = [*RESULT_RELATED, *related]
        # For rows that are each athlete's best of these marks: counting athletes in them
        # counts the rows (and those better than a mark) without the window that picks them.
        self.athletes_of = athletes_of
        # How many rows there are, when something cheaper than counting them knows.
        self.length = length
        # Whether a page's query plan is the same whatever its parameters, so that the
        # database may keep one for any (`revisions.statements`).
        self.prepare = prepare

    def with_venue(self):
        """The same rows, each with its venue's nation and championship joined too."""
        return RankedMarks(
            self.discipline,
            self.rows,
            self.tie_breaks,
            VENUE_RELATED,
            self.athletes_of,
            self.length,
            self.prepare,
        )

    def _count(self, rows):
        if self.athletes_of is None:
            return rows.count()
        return rows.aggregate(athletes=Count("athlete", distinct=True))["athletes"]

    def count(self):
        if self.length is not None:
            return self.length()
        return self._count(self.rows if self.athletes_of is None else self.athletes_of)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        ordered = self.rows.order_by(*self.ordering)
        if self.athletes_of is None:
            page_of = ordered.select_related(*self.related)[window]
        else:
            # The window picking each athlete's best reads the narrow listed marks alone:
            # joining what a list shows before it would join every mark, not one page's.
            page_of = self.athletes_of.filter(pk__in=ordered.values("pk")[window])
            page_of = page_of.order_by(*self.ordering).select_related(*self.related)
        with prepared(self.prepare):
            rows = list(page_of)
        if not rows:
            return []
        start = window.start or 0
        # The first page starts at rank 1; a later one counts the better marks before it.
        if start:
            better = self.discipline.better_than(rows[0].mark)
            marks = self.rows if self.athletes_of is None else self.athletes_of
            rank = self._count(marks.filter(better)) + 1
        else:
            rank = 1
        page = []
        for index, row in enumerate(rows):
            if index and row.mark != rows[index - 1].mark:
                rank = start + index + 1
            row.result.rank = rank
            row.result.event.discipline = self.discipline
            page.append(row.result)
        return page


def performances(discipline, sex, rows=None, include=()):
    """
    Every counted mark in a discipline, best first, ranked with ties; the whole archive's
    are as many as `ListedMarkCount` says, without a count over them.
    """
    counted = listed_marks(discipline, sex, rows).counted(include)
    if rows is not None:
        return RankedMarks(discipline, counted)

    def length():
        return ListedMarkCount.objects.length(discipline, sex, include)

    # The whole archive's: one index read in the list's order, for any discipline.
    return RankedMarks(discipline, counted, length=length, prepare=True)


def performers(discipline, sex, rows=None, include=()):
    """
    Each athlete's best counted mark in a discipline, one row per athlete, ranked with ties:
    read from the best-mark table for the whole archive's legal marks (as many as
    `BestMarkCount` says), else the best per athlete of the narrowed rows (a window over
    them alone).
    """
    if rows is None and not include:
        best = BestMark.objects.filter(discipline=discipline, sex=sex)

        def length():
            return BestMarkCount.objects.length(discipline, sex)

        return RankedMarks(discipline, best, length=length, prepare=True)
    counted = listed_marks(discipline, sex, rows).counted(include)
    best = counted.annotate(
        best_row=Window(
            RowNumber(),
            partition_by=[F("athlete_id")],
            order_by=[discipline.mark_order(), F("year").asc(), F("result_id").asc()],
        )
    ).filter(best_row=1)
    # Every mark the filters keep is read for the window, in one plan whatever they are.
    return RankedMarks(discipline, best, athletes_of=counted, prepare=True)


def marks_kept_apart(
    discipline, sex, rows=None, include=(), limit=APART_LENGTH, one_per_athlete=False
):
    """
    The better marks that the list leaves out (wind-aided, without a wind reading,
    hand-timed, indoor), shown beside it with their flags: each better than every mark its
    athlete has in the list (or of an athlete the list does not have), as statisticians print
    them under a list; on a list of performers, each athlete's best of them only (among the
    best `limit * APART_READ`). None when the reader counts them all.
    """
    if set(include) >= set(Result.kept_apart(discipline)):
        return []
    marks = listed_marks(discipline, sex, rows)
    as_good = "mark__lte" if discipline.lower_is_better else "mark__gte"
    # Read from listed_mark_athlete_idx alone, whatever the list's filters.
    beaten = marks.counted_by_bits(include).filter(
        athlete_id=OuterRef("athlete_id"), **{as_good: OuterRef("mark")}
    )
    apart = (
        marks.kept_apart(include)
        .exclude(Exists(beaten))
        .order_by(discipline.mark_order(), "year", "result_id")
        .values_list("result_id", "athlete_id")
    )
    if one_per_athlete:
        # An athlete's later marks are left out here, in Python: asking SQL for each row
        # whether its athlete has a better one cost more than the whole list's other queries.
        firsts, seen = [], set()
        for pk, athlete_id in apart[: limit * APART_READ]:
            if athlete_id not in seen:
                seen.add(athlete_id)
                firsts.append((pk, athlete_id))
        apart = firsts
    ids = [pk for pk, _athlete_id in apart[:limit]]
    by_pk = shown_results(discipline, ids)
    return [by_pk[pk] for pk in ids]


def shown_results(discipline, ids):
    """The results of `discipline` with these keys (or subquery), with what a list shows."""
    results = (
        Result.objects.filter(pk__in=ids)
        .select_related(*(name.removeprefix("result__") for name in RESULT_RELATED))
        .order_by()
    )
    by_pk = {}
    # Results by primary key: one plan for any.
    with prepared():
        results = list(results)
    for result in results:
        result.event.discipline = discipline
        by_pk[result.pk] = result
    return by_pk


@dataclass
class RecordStep:
    year: int
    mark: int
    results: list


def best_mark_progression(discipline, sex, rows=None, include=()):
    """
    How the best mark in the archive improved over the years: the best mark of each year,
    kept where it beat every earlier year. One query for the best of each year and one for
    the results that set those marks.
    """
    counted = listed_marks(discipline, sex, rows).counted(include)
    if rows is None:
        seasons = season_bests(discipline, sex, include)
    else:
        seasons = counted.values_list("year").annotate(best=discipline.best_of()).order_by("year")
    steps = []
    for year, best in seasons:
        if not steps or discipline.beats(best, steps[-1].mark):
            steps.append(RecordStep(year, best, []))
    if not steps:
        return []
    condition = Q()
    for step in steps:
        condition |= Q(year=step.year, mark=step.mark)
    ids = counted.filter(condition).values_list("result_id", flat=True)
    by_step = defaultdict(list)
    for _pk, result in sorted(shown_results(discipline, ids).items()):
        by_step[(result.event.competition.year, result.mark)].append(result)
    for step in steps:
        step.results = by_step[(step.year, step.mark)]
    return steps


def season_bests(discipline, sex, include=()):
    """
    The best counted mark of each year of a discipline and sex, as (year, mark) pairs, years
    in order. A GROUP BY would read every mark of the discipline (a hundred thousand at
    archive size, 2 to 3 ms); this reads two entries of `listed_mark_year_idx` a year: the
    next year after the last (a recursive query, as the ORM cannot write one), then that
    year's best counted mark, on SQLite and PostgreSQL alike.
    """
    quote = connection.ops.quote_name
    table = quote(ListedMark._meta.db_table)
    discipline_id, sex_, year, mark, apart = (
        quote(ListedMark._meta.get_field(name).column)
        for name in ("discipline", "sex", "year", "mark", "apart")
    )
    allowed = ListedMark.objects.allowed_apart(include)
    order = "ASC" if discipline.lower_is_better else "DESC"
    where = f"{discipline_id} = %s AND {sex_} = %s"
    sql = f"""
        WITH RECURSIVE seasons (season) AS (
            SELECT MIN({year}) FROM {table} WHERE {where}
            UNION ALL
            SELECT (SELECT MIN({year}) FROM {table} WHERE {where} AND {year} > season)
            FROM seasons WHERE season IS NOT NULL
        )
        SELECT season, (
            SELECT {mark} FROM {table}
            WHERE {where} AND {year} = season AND {apart} IN ({", ".join(["%s"] * len(allowed))})
            ORDER BY {mark} {order} LIMIT 1
        ) FROM seasons WHERE season IS NOT NULL ORDER BY season
    """
    # Two index entries a year whatever the discipline: one plan for any.
    with prepared(), connection.cursor() as cursor:
        cursor.execute(sql, [discipline.pk, sex] * 3 + allowed)
        return [(season, best) for season, best in cursor.fetchall() if best is not None]
