"""
Medal tables: medals grouped by nation, athlete or championship. The archive's tables read
the medal table (`Medal`: every medal with what a table groups and filters by); one
athlete's medals are counted from their results in hand.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Rank

from athletes.models import Athlete, Country, fold

from ..caching import cached_query
from ..models import AthleteMedalTally, Championship, CountryMedalTally, Medal, Result


@dataclass
class MedalRow:
    """One row of a medal table: a nation, an athlete or a championship, and its medals."""

    subject: object
    name: str
    nation: object = None  # the athlete's nation, shown beside an athlete's name
    gold: int = 0
    silver: int = 0
    bronze: int = 0
    rank: int = 0

    @property
    def url(self):
        return self.subject.get_absolute_url() if self.subject is not None else ""

    @property
    def label(self):
        """The name in the reader's language (a nation, a championship), else as stored."""
        return getattr(self.subject, "label", None) or self.name

    @property
    def total(self):
        return self.gold + self.silver + self.bronze

    def add(self, result):
        setattr(self, result.medal, getattr(self, result.medal) + 1)

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
        total = MedalRow(subject=None, name="")
        for row in self.rows:
            total.gold += row.gold
            total.silver += row.silver
            total.bronze += row.bronze
        return total

    def __bool__(self):
        return bool(self.rows)

    def row_for(self, subject):
        return next((row for row in self.rows if row.subject == subject), None)


def _by_championship_order(row):
    return (row.subject.position, row.subject.name)


def athlete_medals_by_championship(results):
    """One athlete's medals per championship, from their results in hand (no query)."""
    rows = {}
    for result in results:
        if result.is_medal:
            championship = result.event.competition.championship
            row = rows.setdefault(
                championship.pk, MedalRow(subject=championship, name=championship.name)
            )
            row.add(result)
    return MedalTable(rows=sorted(rows.values(), key=_by_championship_order))


def medal_results():
    """Every medal of the archive, as a QuerySet of `Medal` to narrow."""
    return Medal.objects.all()


# The tallies kept per athlete and per nation over every medal (`results.bestmarks`).
TALLIES = {"athlete_id": AthleteMedalTally, "country_id": CountryMedalTally}


def _whole_archive(medals):
    """Whether `medals` is every medal of the archive, narrowed by nothing."""
    return medals.model is Medal and not medals.query.where


def medal_counts(results, group_by, limit=None):
    """
    Gold, silver and bronze per value of `group_by`, counted in SQL from medal results:
    [{group_by: …, "gold": n, "silver": n, "bronze": n}], the first `limit` places and every
    row tied with the last of them, in no order (`ranked` orders them). Over the whole
    archive they are read from the tallies (`TALLIES`), the first rows of their index.
    """
    tally = TALLIES.get(group_by)
    if tally is not None and _whole_archive(results):
        ranked = tally.objects.values(group_by, "gold", "silver", "bronze").order_by(
            "-gold", "-silver", "-bronze"
        )
        rows = list(ranked[:limit] if limit else ranked)
        if limit and rows:
            last = rows[-1]
            tied = ranked.filter(gold=last["gold"], silver=last["silver"], bronze=last["bronze"])
            seen = {row[group_by] for row in rows}
            rows += [row for row in tied if row[group_by] not in seen]
        return rows
    # Places are counted, not keys: a medal's key (`result_id`) is not SQLite's rowid, so
    # counting it would read each row from the table instead of the covering index alone.
    counts = {
        medal: Count("place", filter=Q(place=place)) for place, medal in Result.MEDALS.items()
    }
    rows = results.values(group_by).annotate(**counts).order_by()
    if limit:
        # The first `limit` places and every row tied with the last, ranked on the counts
        # alone: no join for the tie-break over every group (`ranked` settles ties).
        by_medals = [F("gold").desc(), F("silver").desc(), F("bronze").desc()]
        rows = rows.annotate(position=Window(Rank(), order_by=by_medals)).filter(
            position__lte=limit
        )
    # The archive's filtered medal tables are slow queries at scale: see results.caching.
    return cached_query("medal_counts", rows, lambda: list(rows))


def ranked(rows, group_by, subjects, tie_break, limit):
    """`rows` best first, a tie broken by `tie_break(subject)`, cut to `limit`."""
    rows = sorted(
        rows,
        key=lambda row: (
            -row["gold"],
            -row["silver"],
            -row["bronze"],
            tie_break(subjects[row[group_by]]),
        ),
    )
    return rows[:limit] if limit else rows


def _table(rows, group_by, subjects, name, nation=lambda subject: None):
    table = []
    for row in rows:
        subject = subjects[row[group_by]]
        table.append(
            MedalRow(
                subject,
                name(subject),
                nation(subject),
                row["gold"],
                row["silver"],
                row["bronze"],
            )
        )
    return MedalTable(rows=table)


def medals_by_nation(results=None, limit=None):
    """
    Medals per nation represented, aggregated in SQL. `results` narrows the medal results
    first (a championship, an edition, years, sex, discipline).
    """
    results = medal_results() if results is None else results
    rows = medal_counts(results, "country_id", limit)
    countries = Country.objects.in_bulk([row["country_id"] for row in rows])
    # Nations with the same medals read in alphabetical order of the reader's language.
    rows = ranked(rows, "country_id", countries, lambda country: fold(country.label), limit)
    return _table(rows, "country_id", countries, name=lambda country: country.name)


def medals_by_athlete(results=None, limit=None, nation=None):
    """
    Medals per athlete, aggregated in SQL, each athlete with their nation: `nation` when the
    medals are those won for it (an athlete of the Soviet Union is one of Russia today).
    """
    results = medal_results() if results is None else results
    rows = medal_counts(results, "athlete_id", limit)
    athletes = Athlete.objects.select_related("country").in_bulk(
        [row["athlete_id"] for row in rows]
    )
    rows = ranked(rows, "athlete_id", athletes, lambda athlete: athlete.family_name, limit)
    return _table(
        rows,
        "athlete_id",
        athletes,
        name=lambda athlete: athlete.name,
        nation=lambda athlete: nation or athlete.country,
    )


def medals_by_championship(results):
    """Medals per championship from a QuerySet of medal results, aggregated in SQL."""
    key = "championship_id"
    rows = medal_counts(results, key)
    championships = Championship.objects.in_bulk([row[key] for row in rows])
    table = _table(rows, key, championships, name=lambda championship: championship.name)
    # Championships read in their own order (Olympic Games first), not by medals won.
    table.rows.sort(key=_by_championship_order)
    return table


@dataclass
class NationMedals:
    by_championship: MedalTable
    by_athlete: MedalTable


def nation_medals(country, limit=50):
    """A nation's medals per championship, and its medallists."""
    medals = medal_results().filter(country=country)
    return NationMedals(
        by_championship=medals_by_championship(medals),
        by_athlete=medals_by_athlete(medals, limit=limit, nation=country),
    )
