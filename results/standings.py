"""
Tables derived from results: podiums, medal tables, personal bests, barriers, progression,
rivals and all-time lists.

Two kinds of function live here. Those about one athlete take the athlete's results,
fetched once by `athlete_results()`, and work in Python: an athlete has hundreds of results
at most, so one query and a loop beat many small queries. Those about the whole archive
(medal tables by nation, all-time lists) aggregate in SQL, because they run over millions
of rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Rank, RowNumber

from athletes.models import Country

from .caching import cached_query
from .charts import line_chart
from .models import Barrier, Event, Result

MEDAL_PLACES = {1: "gold", 2: "silver", 3: "bronze"}


@dataclass
class MedalRow:
    """Medals of one row of a medal table (a championship, a nation, an athlete)."""

    subject: object
    gold: int = 0
    silver: int = 0
    bronze: int = 0
    rank: int = 0

    @property
    def total(self):
        return self.gold + self.silver + self.bronze

    def add(self, place):
        kind = MEDAL_PLACES[place]
        setattr(self, kind, getattr(self, kind) + 1)

    def sort_key(self):
        return (-self.gold, -self.silver, -self.bronze)


@dataclass
class MedalTable:
    rows: list = field(default_factory=list)

    def __post_init__(self):
        # Equal gold, silver and bronze share a rank, as medal tables are printed (1, 2, 2, 4).
        for index, row in enumerate(self.rows):
            previous = self.rows[index - 1] if index else None
            same = previous is not None and previous.sort_key() == row.sort_key()
            row.rank = previous.rank if same else index + 1

    @property
    def total(self):
        total = MedalRow(subject=None)
        for row in self.rows:
            total.gold += row.gold
            total.silver += row.silver
            total.bronze += row.bronze
        return total

    def __bool__(self):
        return bool(self.rows)

    def row_for(self, subject):
        return next((row for row in self.rows if row.subject == subject), None)


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


def is_medal(result):
    championship = result.event.competition.championship
    return (
        result.event.round == Event.Round.FINAL
        and result.place is not None
        and result.place <= 3
        and result.status == Result.Status.FINISHED
        and championship is not None
        and championship.awards_medals
    )


def is_podium(result):
    return (
        result.event.round == Event.Round.FINAL
        and result.status == Result.Status.FINISHED
        and result.place is not None
        and result.place <= 3
    )


def athlete_medal_table(results):
    """An athlete's medals per championship (G/S/B/total), from their results."""
    rows = {}
    for result in results:
        if is_medal(result):
            championship = result.event.competition.championship
            rows.setdefault(championship.pk, MedalRow(subject=championship)).add(result.place)
    ordered = sorted(rows.values(), key=lambda row: (row.subject.position, row.subject.name))
    return MedalTable(rows=ordered)


def podiums_by_event(results):
    """Places 1–3 of `results`, grouped by event, ties in place order (one query)."""
    by_event = defaultdict(list)
    podium_results = (
        results.filter(place__lte=3)
        .finished()
        .select_related("athlete", "country")
        .order_by("place", "mark", "athlete__family_name")
    )
    for result in podium_results:
        by_event[result.event_id].append(result)
    return by_event


def podiums(results):
    """
    The finals in which the athlete was in the top three, newest first, each with its
    whole podium (one query for the other athletes on those podiums).
    """
    event_ids = [result.event_id for result in results if is_podium(result)]
    if not event_ids:
        return []
    by_event = podiums_by_event(Result.objects.filter(event_id__in=event_ids))
    own = {result.event_id: result for result in results if result.event_id in by_event}
    for event_id, podium in by_event.items():
        # The athlete's own result already holds the event: spare each row a query.
        for podium_result in podium:
            podium_result.event = own[event_id].event
    ordered = sorted(own.values(), key=_chronological, reverse=True)
    return [(result, by_event[result.event_id]) for result in ordered]


def _chronological(result):
    event = result.event
    return (event.competition.year, event.day or date.max, event.competition.name)


@dataclass
class PersonalBest:
    result: object
    discipline: object

    @property
    def speed_kmh(self):
        return self.result.speed_kmh


def personal_bests(results):
    """The best mark per discipline, road and track apart (an earlier mark wins a tie)."""
    best = {}
    for result in results:
        if result.mark is None or result.status != Result.Status.FINISHED:
            continue
        discipline = result.event.discipline
        current = best.get(discipline.pk)
        if current is None or discipline.beats(result.mark, current.mark):
            best[discipline.pk] = result
    ordered = sorted(
        best.values(), key=lambda r: (r.event.discipline.position, r.event.discipline.code)
    )
    road = [PersonalBest(r, r.event.discipline) for r in ordered if r.event.discipline.is_road]
    track = [PersonalBest(r, r.event.discipline) for r in ordered if not r.event.discipline.is_road]
    return {"road": road, "track": track}


@dataclass
class BarrierCount:
    barrier: object
    results: list

    @property
    def count(self):
        return len(self.results)

    @property
    def best(self):
        return self.results[0] if self.results else None


def barrier_counts(athlete, results):
    """How many of the athlete's marks beat each barrier kept for their disciplines."""
    discipline_ids = {result.event.discipline_id for result in results}
    barriers = Barrier.objects.filter(
        discipline_id__in=discipline_ids, sex=athlete.sex
    ).select_related("discipline")
    counts = []
    for barrier in barriers:
        discipline = barrier.discipline
        beating = [
            result
            for result in results
            if result.event.discipline_id == discipline.pk
            and result.mark is not None
            and result.status == Result.Status.FINISHED
            and discipline.beats(result.mark, barrier.mark)
        ]
        if beating:
            beating.sort(key=lambda r: r.mark if discipline.lower_is_better else -r.mark)
            counts.append(BarrierCount(barrier=barrier, results=beating))
    return counts


def progression(results):
    """The season's best per year, per discipline: {discipline: [(year, result), …]}."""
    best = defaultdict(dict)
    disciplines = {}
    for result in results:
        if result.mark is None or result.status != Result.Status.FINISHED:
            continue
        discipline = result.event.discipline
        disciplines[discipline.pk] = discipline
        year = result.event.competition.year
        current = best[discipline.pk].get(year)
        if current is None or discipline.beats(result.mark, current.mark):
            best[discipline.pk][year] = result
    ordered = sorted(disciplines.values(), key=lambda d: (d.position, d.code))
    return [(d, sorted(best[d.pk].items())) for d in ordered]


def medal_results():
    """Results that are medals: podium places of finals of medal-awarding championships."""
    return Result.objects.medals().finished()


def medal_counts(results, group_by, tie_break, limit=None):
    """
    Gold, silver and bronze per value of `group_by`, counted in SQL from medal results,
    best first: [{group_by: …, "gold": n, "silver": n, "bronze": n}].
    """
    rows = (
        results.values(group_by)
        .annotate(
            gold=Count("pk", filter=Q(place=1)),
            silver=Count("pk", filter=Q(place=2)),
            bronze=Count("pk", filter=Q(place=3)),
        )
        .order_by("-gold", "-silver", "-bronze", tie_break)
    )
    rows = rows[:limit] if limit else rows
    # The whole archive's medal tables are the slowest queries at scale: see results.caching.
    return cached_query("medal_counts", rows, lambda: list(rows))


def _medal_table(rows, group_by, subjects):
    return MedalTable(
        rows=[
            MedalRow(subjects[row[group_by]], row["gold"], row["silver"], row["bronze"])
            for row in rows
        ]
    )


def nation_medal_table(results=None, limit=None):
    """
    Medals per nation represented, aggregated in SQL: [MedalRow(subject=Country)].
    `results` narrows the medal results first (a championship, years, sex, discipline).
    """
    results = medal_results() if results is None else results
    rows = medal_counts(results, "country", "country__name", limit)
    countries = Country.objects.in_bulk([row["country"] for row in rows])
    return _medal_table(rows, "country", countries)


def athlete_medal_counts(results=None, limit=None):
    """Medals per athlete, aggregated in SQL: [MedalRow(subject=Athlete)]."""
    from athletes.models import Athlete

    results = medal_results() if results is None else results
    rows = medal_counts(results, "athlete", "athlete__family_name", limit)
    athletes = Athlete.objects.select_related("country").in_bulk([row["athlete"] for row in rows])
    return _medal_table(rows, "athlete", athletes)


def performances(discipline, sex, results=None):
    """
    Every mark in a discipline, best first, each with its rank among performances (ties
    share a rank). Unevaluated: the caller slices it, so only one page is read.
    """
    results = Result.objects.all() if results is None else results
    order = F("mark").asc() if discipline.lower_is_better else F("mark").desc()
    return (
        results.filter(event__discipline=discipline, event__sex=sex)
        .with_marks()
        .with_related()
        .annotate(rank=Window(Rank(), order_by=order))
        .order_by(order, "event__competition__year", "pk")
    )


class RankedPerformers:
    """
    Each athlete's best mark in a discipline, best first, ranked with ties: a lazy sequence
    that a Paginator slices, so that only one page is ever read.

    The best mark per athlete is picked by a window function over the discipline's marks
    alone; the page's rows are fetched afterwards by primary key. (Joined in one query,
    PostgreSQL misjudged the window's size and joined every result of the archive first:
    seconds instead of milliseconds on a million results.) A row's rank is one more than the
    number of performers whose best is better, so ties share a rank on every page.
    """

    def __init__(self, discipline, sex, results):
        self.discipline = discipline
        self.order = F("mark").asc() if discipline.lower_is_better else F("mark").desc()
        self.best = (
            results.filter(event__discipline=discipline, event__sex=sex)
            .with_marks()
            .annotate(
                row=Window(
                    RowNumber(),
                    partition_by=[F("athlete_id")],
                    order_by=[self.order, F("event__competition__year").asc(), F("pk").asc()],
                )
            )
            .filter(row=1)
        )

    def count(self):
        return self.best.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        rows = list(
            self.best.order_by(self.order, "event__competition__year", "pk").values_list(
                "pk", "mark"
            )[window]
        )
        if not rows:
            return []
        better = (
            Q(mark__lt=rows[0][1]) if self.discipline.lower_is_better else Q(mark__gt=rows[0][1])
        )
        rank = self.best.filter(better).count() + 1
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
    """Each athlete's best mark in a discipline, one row per athlete, ranked with ties."""
    return RankedPerformers(discipline, sex, Result.objects.all() if results is None else results)


def championship_winners(championship, editions):
    """Winners of every final of some editions of a championship, newest first (one query)."""
    return (
        Result.objects.filter(
            event__competition__championship=championship,
            event__competition__in=[edition.pk for edition in editions],
            event__round=Event.Round.FINAL,
            place=1,
        )
        .finished()
        .with_related()
        .order_by("-event__competition__year", "event__discipline__position", "event__sex")
    )


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
    groups = defaultdict(list)
    disciplines = {}
    for result in results:
        discipline = result.event.discipline
        disciplines[discipline.pk] = discipline
        groups[discipline.pk].append(ResultRow(result, age_at(athlete, result)))
    ordered = sorted(disciplines.values(), key=lambda d: (d.venue != "road", d.position, d.code))
    table = []
    for discipline in ordered:
        rows = groups[discipline.pk]
        if order == "mark":
            rows.sort(key=lambda row: _mark_key(discipline, row.result))
        else:
            rows.sort(key=lambda row: _chronological(row.result))
        table.append((discipline, rows))
    return table


def _mark_key(discipline, result):
    if result.mark is None:
        return (1, 0)
    return (0, result.mark if discipline.lower_is_better else -result.mark)


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
    from athletes.models import Athlete

    own = Result.objects.filter(athlete=athlete, event=OuterRef("event"))
    own_place = Subquery(own.values("place")[:1])
    own_finished = Exists(own.filter(status=Result.Status.FINISHED))
    rows = (
        Result.objects.filter(event__results__athlete=athlete)
        .exclude(athlete=athlete)
        .annotate(own_place=own_place, own_finished=own_finished)
        .values("athlete")
        .annotate(
            meetings=Count("pk"),
            ahead=Count(
                "pk",
                filter=(Q(own_finished=True) & ~Q(status=Result.Status.FINISHED))
                | Q(place__gt=F("own_place")),
            ),
            behind=Count(
                "pk",
                filter=(Q(own_finished=False) & Q(status=Result.Status.FINISHED))
                | Q(place__lt=F("own_place")),
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
class Progression:
    discipline: object
    seasons: list
    chart: object


def progression_charts(results):
    charts = []
    for discipline, seasons in progression(results):
        chart = line_chart(
            [(year, result.mark) for year, result in seasons],
            discipline.lower_is_better,
            discipline.format_mark,
        )
        charts.append(Progression(discipline, seasons, chart))
    return charts


@dataclass
class AthleteProfile:
    results: list
    medal_table: MedalTable
    podiums: list
    personal_bests: dict
    barriers: list
    progression: list
    results_by_discipline: list
    rivals: list
    order: str

    @property
    def is_empty(self):
        return not self.results


def athlete_profile(athlete, order=None):
    """Every table of an athlete's page, in a fixed number of queries."""
    order = "mark" if order == "mark" else "date"
    results = athlete_results(athlete)
    return AthleteProfile(
        results=results,
        medal_table=athlete_medal_table(results),
        podiums=podiums(results),
        personal_bests=personal_bests(results),
        barriers=barrier_counts(athlete, results) if results else [],
        progression=progression_charts(results),
        results_by_discipline=results_by_discipline(athlete, results, order),
        rivals=rivals(athlete) if results else [],
        order=order,
    )


@dataclass
class NationProfile:
    medal_table: MedalTable
    medallists: MedalTable


def championship_medal_table(results):
    """Medals per championship from a QuerySet of medal results, aggregated in SQL."""
    from .models import Championship

    key = "event__competition__championship"
    rows = medal_counts(results, key, key)
    championships = Championship.objects.in_bulk([row[key] for row in rows])
    table = _medal_table(rows, key, championships)
    table.rows.sort(key=lambda row: (row.subject.position, row.subject.name))
    return table


def nation_profile(country, limit=50):
    medals = medal_results().filter(country=country)
    return NationProfile(
        medal_table=championship_medal_table(medals),
        medallists=athlete_medal_counts(medals, limit=limit),
    )


@dataclass
class EventRow:
    result: object
    tied: bool


def event_results(event):
    """
    The full result list of an event: finishers by place then mark, then those without a
    place, then DNF, DNS, DQ and NM. A shared place or an equal mark is shown as a tie.
    """
    status_order = Case(
        *[When(status=status, then=Value(index)) for index, status in enumerate(STATUS_ORDER)],
        default=Value(len(STATUS_ORDER)),
    )
    order = F("mark").asc(nulls_last=True)
    if not event.discipline.lower_is_better:
        order = F("mark").desc(nulls_last=True)
    results = list(
        event.results.select_related("athlete", "country").order_by(
            status_order, F("place").asc(nulls_last=True), order, "athlete__family_name"
        )
    )
    places = defaultdict(int)
    marks_seen = defaultdict(int)
    for result in results:
        if result.status == Result.Status.FINISHED:
            if result.place is not None:
                places[result.place] += 1
            if result.mark is not None:
                marks_seen[result.mark] += 1
    return [
        EventRow(
            result,
            tied=result.status == Result.Status.FINISHED
            and (places.get(result.place, 0) > 1 or marks_seen.get(result.mark, 0) > 1),
        )
        for result in results
    ]


STATUS_ORDER = ["OK", "DNF", "DNS", "DQ", "NM"]


def competition_podiums(competition):
    """Each event of a competition with its podium, in two queries."""
    events = list(
        competition.events.select_related("discipline").order_by(
            "discipline__venue", "discipline__position", "sex", "round"
        )
    )
    by_event = podiums_by_event(Result.objects.filter(event__competition=competition))
    for event in events:
        # The event is already loaded: spare each podium row a query for its discipline.
        for result in by_event[event.pk]:
            result.event = event
    return [(event, by_event[event.pk]) for event in events]


@dataclass
class RecordStep:
    year: int
    mark: int
    results: list


def best_mark_progression(discipline, sex, results=None):
    """
    How the best mark in the archive improved over the years: the best mark of each year,
    kept where it beat every earlier year. One aggregate query over the discipline and one
    for the results that set those marks.
    """
    results = Result.objects.all() if results is None else results
    scoped = results.filter(event__discipline=discipline, event__sex=sex).with_marks()
    best = Min("mark") if discipline.lower_is_better else Max("mark")
    seasons = (
        scoped.values("event__competition__year")
        .annotate(best=best)
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
