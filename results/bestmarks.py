"""
The list tables, kept in the same transaction as every change they derive from: the
best-mark table (`BestMark`, each athlete's best legal mark per discipline), the listed
marks (`ListedMark`, every finished mark with what the lists read of it), the medals
(`Medal`), each athlete's and nation's medal tally over the archive (`AthleteMedalTally`,
`CountryMedalTally`, counted again for the athletes and nations whose medals changed) and
the number of listed marks per discipline, sex and kind (`ListedMarkCount`, moved by the
listed marks written and deleted) and of best marks per discipline and sex
(`BestMarkCount`, moved by the best marks written and deleted), and the number of athletes
(`RowCount`, moved by the athletes added and deleted).

A result's save or delete refreshes its athlete's best mark in its discipline (and the old
pair's, when a result moved to another athlete or event); an event whose discipline or sex
changed, or a competition whose year or indoor flag changed, refreshes the pairs of its
results, and their listed marks. Writes that send no signals (`bulk_create`, `update`) call
`rebuild()`, as `generate_archive` does; `manage.py rebuild_best_marks` rebuilds both
tables from scratch.

The best is the rule of the lists: the best legal mark (`ResultQuerySet.legal`), the earlier
year then the earlier row winning a tie, as `standings.lists.performers` ranks.
"""

from collections import Counter
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import RowNumber

from athletes.models import Athlete, indexed_once

from .bulk import loaded_in_bulk
from .caching import one_change
from .models import (
    AthleteMedalTally,
    BestMark,
    BestMarkCount,
    CountryMedalTally,
    Discipline,
    Event,
    ListedMark,
    ListedMarkCount,
    Medal,
    Result,
    RowCount,
)

# What a listed mark holds, in its table's column order, read from a result.
LISTED_COLUMNS = ["result_id", "athlete_id", "country_id", "discipline_id", "sex", "year", "mark"]
LISTED_VALUES = [
    "pk",
    "athlete_id",
    "country_id",
    "event__discipline_id",
    "event__sex",
    "event__competition__year",
    "mark",
]

# What a medal row holds, in its table's column order, read from a result.
MEDAL_COLUMNS = [
    "result_id",
    "athlete_id",
    "country_id",
    "championship_id",
    "competition_id",
    "discipline_id",
    "sex",
    "year",
    "place",
]
MEDAL_VALUES = [
    "pk",
    "athlete_id",
    "country_id",
    "event__competition__championship_id",
    "event__competition_id",
    "event__discipline_id",
    "event__sex",
    "event__competition__year",
    "place",
]

# What the listed marks are counted by (`ListedMarkCount`), and the best marks
# (`BestMarkCount`).
COUNTED_BY = ["discipline_id", "sex", "apart"]
PERFORMERS_BY = ["discipline_id", "sex"]

# The medal tallies, by the column of `Medal` each counts per.
TALLIES = {"athlete_id": AthleteMedalTally, "country_id": CountryMedalTally}

# The pairs and results to refresh at the end of a `deferred()` block, when in one.
_pending = ContextVar("derived_tables_pending", default=None)

# Pairs deleted per query (each adds parameters), rows inserted per query.
BATCH = 200


def best_rows(discipline, athlete_ids):
    """Each of these athletes' best legal mark in `discipline`, as BestMark rows (one query)."""
    results = (
        Result.objects.legal(discipline)
        .filter(athlete_id__in=athlete_ids, event__discipline=discipline)
        .order_by(discipline.mark_order(), "event__competition__year", "pk")
        .values_list("pk", "athlete_id", "mark", "event__sex", "event__competition__year")
    )
    best = {}
    for pk, athlete_id, mark, sex, year in results:
        # Best first: an athlete's first row is their best (an earlier year wins a tie).
        best.setdefault(
            athlete_id,
            BestMark(
                athlete_id=athlete_id,
                discipline=discipline,
                result_id=pk,
                mark=mark,
                sex=sex,
                year=year,
            ),
        )
    return list(best.values())


def refresh(pairs):
    """
    Make the best marks of `pairs` [(athlete_id, discipline_id)] what the results say: one
    query per discipline and batch of athletes, then the rows replaced.
    """
    pending = _pending.get()
    if pending is not None:
        pending["pairs"].update(pairs)
        return
    count_performers(replace_best(pairs))


def replace_best(pairs):
    """
    The rows of `refresh()` replaced, and how many more or fewer best marks each discipline
    and sex now has (a Counter), for the caller to move the counts by.
    """
    changes = Counter()
    pairs = sorted({(a, d) for a, d in pairs if a is not None and d is not None})
    if not pairs:
        return changes
    by_discipline = {}
    for athlete_id, discipline_id in pairs:
        by_discipline.setdefault(discipline_id, []).append(athlete_id)
    disciplines = Discipline.objects.in_bulk(list(by_discipline))
    rows = []
    for discipline_id, athlete_ids in by_discipline.items():
        for start in range(0, len(athlete_ids), BATCH):
            rows += best_rows(disciplines[discipline_id], athlete_ids[start : start + BATCH])
    # Deleted first, then written: a result that moved between two pairs (a merge) is the
    # best of one only once the other's row is gone.
    for discipline_id, athlete_ids in by_discipline.items():
        for start in range(0, len(athlete_ids), BATCH):
            old = BestMark.objects.filter(
                discipline_id=discipline_id, athlete_id__in=athlete_ids[start : start + BATCH]
            )
            for *key, athletes in old.values_list(*PERFORMERS_BY).annotate(Count("pk")):
                changes[tuple(key)] -= athletes
            old.delete()
    BestMark.objects.bulk_create(rows, batch_size=BATCH)
    changes.update((row.discipline_id, row.sex) for row in rows)
    return changes


@contextmanager
def deferred():
    """
    Within this block, the derived tables are refreshed, and the archive's version moved on
    (`caching.one_change`), once at its end (still inside the caller's transaction) rather
    than at each save: a fixture load or an event of five hundred results costs a few
    queries per discipline instead of several per result. The search words of the athletes
    saved are written once as well (`athletes.models.indexed_once`). Nested blocks refresh
    at the outermost one's end.
    """
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(
        {
            "pairs": set(),
            "results": set(),
            "subjects": set(),
            "counts": Counter(),
            "performers": Counter(),
            "rows": Counter(),
        }
    )
    with one_change():
        try:
            # The search words of the athletes saved, written once too.
            with indexed_once():
                yield
            pending = _pending.get()
        finally:
            _pending.reset(token)
        # Each kind of count moved once, and the best marks' before the listed marks', as a
        # single save moves them: two transactions take the same rows' locks in one order.
        pending["performers"].update(replace_best(pending["pairs"]))
        count_performers(pending["performers"])
        refresh_listed(pending["results"])
        refresh_tallies(pending["subjects"])
        count_listed(pending["counts"])
        count_rows(pending["rows"])


def pairs_of(results):
    return set(results.values_list("athlete_id", "event__discipline_id").distinct())


def apart_bits():
    """`ListedMark.apart` in SQL, for rows of Result: a bit per kind kept apart."""
    bits = Value(0)
    for kind, condition in Result.kept_apart().items():
        bits = bits + Case(When(condition, then=Value(ListedMark.BITS[kind])), default=Value(0))
    return bits


def listed_rows(results):
    """`results` finished with a mark, as listed marks' columns (and `apart` last)."""
    return (
        results.with_marks()
        .annotate(apart_bits=apart_bits())
        .values_list(*LISTED_VALUES, "apart_bits")
        .order_by()
    )


def medal_rows(results):
    """The medals among `results`, as the medal table's columns."""
    return results.medals().values_list(*MEDAL_VALUES).order_by()


def refresh_listed(result_ids):
    """Make the listed marks and medals of these results what the results say."""
    pending = _pending.get()
    if pending is not None:
        pending["results"].update(result_ids)
        return
    result_ids = sorted(set(result_ids))
    for start in range(0, len(result_ids), BATCH * 5):
        batch = result_ids[start : start + BATCH * 5]
        old = ListedMark.objects.filter(result_id__in=batch)
        changes = Counter()
        for *key, marks in old.values_list(*COUNTED_BY).annotate(Count("pk")).order_by():
            changes[tuple(key)] -= marks
        old.delete()
        rows = listed_rows(Result.objects.filter(pk__in=batch))
        listed = ListedMark.objects.bulk_create(
            ListedMark(**dict(zip([*LISTED_COLUMNS, "apart"], row, strict=True))) for row in rows
        )
        changes.update((mark.discipline_id, mark.sex, mark.apart) for mark in listed)
        count_listed(changes)
        old = Medal.objects.filter(result_id__in=batch)
        subjects = set(old.values_list("athlete_id", "country_id"))
        old.delete()
        rows = medal_rows(Result.objects.filter(pk__in=batch))
        medals = [Medal(**dict(zip(MEDAL_COLUMNS, row, strict=True))) for row in rows]
        Medal.objects.bulk_create(medals)
        subjects |= {(medal.athlete_id, medal.country_id) for medal in medals}
        refresh_tallies(subjects)


def count_listed(changes):
    """
    Move the counts of listed marks by `changes` {(discipline_id, sex, apart): marks added,
    negative when taken away}.
    """
    _move_counts("counts", ListedMarkCount, COUNTED_BY, "marks", changes)


def count_performers(changes):
    """Move the counts of best marks by `changes` {(discipline_id, sex): rows added}."""
    _move_counts("performers", BestMarkCount, PERFORMERS_BY, "athletes", changes)


def count_rows(changes):
    """Move the counts of rows by `changes` {(table,): rows added}."""
    _move_counts("rows", RowCount, ["table"], "rows", changes)


def _move_counts(pending_name, model, keys, column, changes):
    """
    A row of `model` made for a new key, then each count added to in SQL, in the keys'
    order (two transactions moving the same counts lock them in the same order); at the
    end of a `deferred()` block when in one.
    """
    changes = {key: moved for key, moved in changes.items() if moved}
    if not changes:
        return
    pending = _pending.get()
    if pending is not None:
        pending[pending_name].update(changes)
        return
    keys_in_order = sorted(changes)
    model.objects.bulk_create(
        [model(**dict(zip(keys, key, strict=True))) for key in keys_in_order],
        ignore_conflicts=True,
    )
    for key in keys_in_order:
        counts = model.objects.filter(**dict(zip(keys, key, strict=True)))
        counts.update(**{column: F(column) + changes[key]})


def tally_rows(medals, group_by):
    """Gold, silver and bronze per `group_by` among `medals`, as a tally's columns."""
    counts = {medal: Count("pk", filter=Q(place=place)) for place, medal in Result.MEDALS.items()}
    return (
        medals.values(group_by)
        .annotate(**counts)
        .values_list(group_by, "gold", "silver", "bronze")
        .order_by()
    )


def refresh_tallies(subjects):
    """Count again the medals of these [(athlete_id, country_id)] (each side on its own)."""
    pending = _pending.get()
    if pending is not None:
        pending["subjects"].update(subjects)
        return
    for index, (group_by, model) in enumerate(TALLIES.items()):
        ids = sorted({subject[index] for subject in subjects if subject[index] is not None})
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            model.objects.filter(**{f"{group_by}__in": batch}).delete()
            rows = tally_rows(Medal.objects.filter(**{f"{group_by}__in": batch}), group_by)
            model.objects.bulk_create(
                model(**dict(zip([group_by, "gold", "silver", "bronze"], row, strict=True)))
                for row in rows
            )


def _insert(model, columns, rows):
    """INSERT … SELECT of `rows` (a values_list in the order of `columns`) into `model`."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {sql}", params)


@transaction.atomic
def recount():
    """
    The counts anew from the listed marks, the best marks and the medals as they are: the
    number of listed marks (`ListedMarkCount`) and of best marks (`BestMarkCount`), the
    medal tallies, and the rows of the counted tables (`RowCount`). After rows of those
    tables were deleted without signals (`generate_archive --delete`), as `rebuild()` does
    after writing them.
    """
    for model in (ListedMarkCount, BestMarkCount, RowCount, *TALLIES.values()):
        model.objects.all().delete()
    RowCount.objects.bulk_create(
        RowCount(table=model._meta.db_table, rows=model.objects.count())
        for model in RowCount.COUNTED
    )
    counts = ListedMark.objects.values_list(*COUNTED_BY).annotate(Count("pk")).order_by()
    _insert(ListedMarkCount, [*COUNTED_BY, "marks"], counts)
    performers = BestMark.objects.values_list(*PERFORMERS_BY).annotate(Count("pk")).order_by()
    _insert(BestMarkCount, [*PERFORMERS_BY, "athletes"], performers)
    for group_by, model in TALLIES.items():
        columns = [group_by, "gold", "silver", "bronze"]
        _insert(model, columns, tally_rows(Medal.objects.all(), group_by))


@transaction.atomic
def rebuild(bulk=False):
    """
    Every derived table anew, in SQL: the listed marks and the medals from the results, then
    per discipline each athlete's best legal mark from the listed marks (a window).

    `bulk`: each table is loaded as a bulk load is (`bulk.loaded_in_bulk`): its secondary
    indexes built once after it, and on PostgreSQL its foreign keys checked once after it;
    for two million results 24 s instead of 33 on SQLite. Dropping an index or a key locks
    its table against readers on PostgreSQL until the transaction ends, so a live archive's
    rebuild keeps them.
    """
    filled = loaded_in_bulk if bulk else nullcontext
    for model in (BestMark, ListedMark, Medal):
        model.objects.all().delete()
    with filled(ListedMark), filled(Medal):
        _insert(ListedMark, [*LISTED_COLUMNS, "apart"], listed_rows(Result.objects.all()))
        _insert(Medal, MEDAL_COLUMNS, medal_rows(Result.objects.all()))
    columns = ["athlete_id", "discipline_id", "sex", "result_id", "mark", "year"]
    # The listed marks' indexes are back: each discipline's window reads its own rows.
    with filled(BestMark):
        for discipline in Discipline.objects.all():
            best = (
                ListedMark.objects.filter(discipline=discipline, apart=0)
                .annotate(
                    best_row=Window(
                        RowNumber(),
                        partition_by=[F("athlete_id")],
                        order_by=[discipline.mark_order(), F("year").asc(), F("result_id").asc()],
                    )
                )
                .filter(best_row=1)
                .values_list(*columns)
                .order_by()
            )
            _insert(BestMark, columns, best)
    recount()


# Signal receivers (connected in ResultsConfig.ready) ----------------------------------------


def _discipline_of(result, event_id):
    event = result.event if event_id == result.event_id and result.event_id else None
    if event is not None and Result.event.is_cached(result):
        return event.discipline_id
    return Event.objects.filter(pk=event_id).values_list("discipline_id", flat=True).first()


def result_saved(sender, instance, raw=False, **kwargs):
    pairs = {(instance.athlete_id, _discipline_of(instance, instance.event_id))}
    loaded = getattr(instance, "loaded_values", {})
    athlete_id = loaded.get("athlete_id", instance.athlete_id)
    event_id = loaded.get("event_id", instance.event_id)
    if (athlete_id, event_id) != (instance.athlete_id, instance.event_id):
        pairs.add((athlete_id, _discipline_of(instance, event_id)))
    refresh(pairs)
    refresh_listed([instance.pk])
    instance.loaded_values = {"athlete_id": instance.athlete_id, "event_id": instance.event_id}


def result_deleting(sender, instance, **kwargs):
    """
    pre_delete: the pair, read while the event still exists (it may go in the same delete),
    the listed mark's count it leaves, the best mark's (the delete takes that row along), and
    who the medal counted for, if it was one.
    """
    instance.best_mark_pair = (instance.athlete_id, _discipline_of(instance, instance.event_id))
    instance.best_mark_count = list(
        BestMark.objects.filter(result_id=instance.pk).values_list(*PERFORMERS_BY)
    )
    instance.listed_count = list(
        ListedMark.objects.filter(result_id=instance.pk).values_list(*COUNTED_BY)
    )
    instance.medal_subjects = set(
        Medal.objects.filter(result_id=instance.pk).values_list("athlete_id", "country_id")
    )


def result_deleted(sender, instance, **kwargs):
    # The best marks' counts before the listed marks', as a save moves them.
    refresh({getattr(instance, "best_mark_pair", (None, None))})
    count_performers(dict.fromkeys(getattr(instance, "best_mark_count", ()), -1))
    count_listed(dict.fromkeys(getattr(instance, "listed_count", ()), -1))
    refresh_tallies(getattr(instance, "medal_subjects", set()))


def _moved(instance):
    loaded = getattr(instance, "loaded_values", {})
    return any(loaded.get(name, value) != value for name, value in _current(instance).items())


def _current(instance):
    return {name: instance.__dict__.get(name) for name in type(instance).remembered_fields}


def event_saved(sender, instance, created=False, **kwargs):
    """An event moved to another discipline, sex or competition: its results' pairs."""
    if not created and _moved(instance):
        loaded = instance.loaded_values
        results = Result.objects.filter(event=instance)
        pairs = pairs_of(results)
        old_discipline = loaded.get("discipline_id", instance.discipline_id)
        pairs |= {(athlete_id, old_discipline) for athlete_id, _d in pairs}
        refresh(pairs)
        refresh_listed(results.values_list("pk", flat=True))
    instance.loaded_values = _current(instance)


def championship_saved(sender, instance, created=False, **kwargs):
    """A championship started or stopped awarding medals: its results' medals."""
    if not created and _moved(instance):
        refresh_listed(
            Result.objects.filter(event__competition__championship=instance).values_list(
                "pk", flat=True
            )
        )
    instance.loaded_values = _current(instance)


def competition_saved(sender, instance, created=False, **kwargs):
    """A competition's year, indoor flag or championship changed: its results' rows."""
    if not created and _moved(instance):
        results = Result.objects.filter(event__competition=instance)
        refresh(pairs_of(results))
        refresh_listed(results.values_list("pk", flat=True))
    instance.loaded_values = _current(instance)


def athlete_saved(sender, instance, created=False, **kwargs):
    """An athlete added (by an editor, a fixture or a merge's import): one more counted."""
    if created:
        count_rows({(Athlete._meta.db_table,): 1})


def athlete_deleted(sender, instance, **kwargs):
    count_rows({(Athlete._meta.db_table,): -1})
