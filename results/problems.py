"""
The archive's problems: re-checks what is already in the archive, for `manage.py
check_archive` and its admin page. (Not Django's system checks, which look at the code.)

Rows can break the rules without anyone editing them in the admin: Django's own `loaddata`,
`bulk_create()`, `QuerySet.update()` and raw SQL all skip `Model.clean()`, and some rules
span several rows that no single form sees (places within an event, a personal best against
the world record, two records of one person in one final). `find_problems()` reports them
so that an editor can fix each one from its admin page.

The archive may hold millions of results, so every rule reads the tables in a fixed number
of queries: rows are streamed with `.iterator()` and `select_related()`, and cross-row rules
are GROUP BY / EXISTS queries that return only the offending rows (or one small row per
group), or one stream in event order checked an event at a time; never one query per result.

What sources claim against what the results give is not a problem of the archive (a source
may miscount); `results.claims` lists those contradictions beside the problems.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from athletes.models import Athlete, Sex
from revisions.models import ArchiveModel

from .caching import cached_value
from .models import WIND_LIMITS, Discipline, Event, Result
from .rules import result_list_problems

# The apps whose every row `full_clean()` re-validates.
CHECKED_APPS = ("athletes", "results")

# Rows read per round trip when streaming a table.
CHUNK_SIZE = 2000

# Offending rows looked up per query (each adds parameters to an OR of conditions).
BATCH_SIZE = 200

# What clean() and __str__() of each model read through foreign keys, joined up front so
# that validating a row never costs a query.
RELATED_FOR_CLEAN = {
    Result: ("athlete", "event__competition", "event__discipline"),
    Event: ("competition", "discipline"),
}

RULES = {
    "invalid": gettext_lazy("Fails validation"),
    "places": gettext_lazy("Places out of sequence"),
    "result-list": gettext_lazy("Result list rules"),
    "medal-without-final": gettext_lazy("Medal place in a round with no final"),
    "beats-world-record": gettext_lazy("Personal best better than the world record"),
    "twice-in-final": gettext_lazy("Same person twice in a final"),
    "same-name-and-birth": gettext_lazy("Two records with one name and date of birth"),
    "record-not-legal": gettext_lazy("Record tag on a mark that cannot be a record"),
}


@dataclass
class Problem:
    """One thing wrong in the archive, with the admin page where an editor can fix it."""

    rule: str
    message: str
    obj: object = field(repr=False)
    admin_url: str = ""

    @property
    def model(self):
        """The model label ("results.Result") of the row to fix."""
        return self.obj._meta.label

    @property
    def rule_label(self):
        return RULES.get(self.rule, self.rule)

    @property
    def verbose_name(self):
        return capfirst(self.obj._meta.verbose_name)


def admin_url(obj):
    """
    The admin change page of `obj`. Aliases and highlights have no page of their own: they
    are edited inline on their athlete's page, so that page is the one to open.
    """
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    except NoReverseMatch:
        athlete_id = getattr(obj, "athlete_id", None)
        if athlete_id is None:
            return ""
        return reverse("admin:athletes_athlete_change", args=[athlete_id])


def batches(items, size=BATCH_SIZE):
    """`items` in lists of `size`, so an OR of conditions stays under the database's limits."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def any_of(conditions):
    """The OR of a non-empty iterable of Q objects."""
    return reduce(or_, conditions)


def problem(rule, message, obj):
    return Problem(rule=rule, message=message, obj=obj, admin_url=admin_url(obj))


def find_problems():
    """Every problem in the archive, rule by rule (the order of `RULES`)."""
    return [
        *invalid_rows(),
        *place_gaps(),
        *result_lists(),
        *medals_without_final(),
        *personal_bests_beating_world_records(),
        *same_person_twice_in_a_final(),
        *same_name_and_birth(),
        *records_on_marks_that_cannot_be_records(),
    ]


# 1. Rows that fail full_clean() ------------------------------------------------------------


def invalid_rows():
    """
    Each row of the checked apps that `full_clean()` refuses, one problem per message.

    Only what the database cannot enforce is re-checked: unique and check constraints and
    foreign keys are in the schema, so the rows already satisfy them, and Django would check
    them with one query per row. Field values, choices and each model's clean() are checked.
    """
    for app_label in CHECKED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            # The historical snapshots are what rows were, not what the archive holds.
            if issubclass(model, ArchiveModel):
                yield from _invalid_rows_of(model)


def _invalid_rows_of(model):
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    rows = model._default_manager.order_by("pk")
    related = RELATED_FOR_CLEAN.get(model)
    if related:
        rows = rows.select_related(*related)
    for obj in rows.iterator(chunk_size=CHUNK_SIZE):
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for text in messages:
                    yield problem("invalid", _describe_error(obj, field_name, text), obj)


def _describe_error(obj, field_name, text):
    params = {"model": capfirst(obj._meta.verbose_name), "object": obj, "error": text}
    if field_name == NON_FIELD_ERRORS:
        return _("%(model)s “%(object)s”: %(error)s") % params
    try:
        params["field"] = obj._meta.get_field(field_name).verbose_name
    except LookupError:
        params["field"] = field_name
    return _("%(model)s “%(object)s”, %(field)s: %(error)s") % params


# 2. Places out of sequence -----------------------------------------------------------------


def place_gaps():
    """
    Events marked as a complete result list whose finishers' places do not follow each
    other, ties counted: after k athletes share a place p, the next place is p + k (1, 2, 2,
    4). An archive often knows only the winner and the place of the athlete it follows (1st
    and 4th), so a gap is a problem only where editors say the list is complete. Only the
    steps between the places held are checked.

    One GROUP BY query (finishers per event and place), streamed in event order.
    """
    counts = (
        Result.objects.finished()
        .filter(place__isnull=False, event__complete=True)
        .values("event_id", "place")
        .annotate(count=Count("pk"))
        .order_by("event_id", "place")
    )
    steps = []
    previous = None
    for row in counts.iterator(chunk_size=CHUNK_SIZE):
        if previous is not None and previous["event_id"] == row["event_id"]:
            expected = previous["place"] + previous["count"]
            if row["place"] != expected:
                steps.append((row["event_id"], previous, row["place"], expected))
        previous = row
    if not steps:
        return []
    events = Event.objects.select_related("competition", "discipline").in_bulk(
        {event_id for event_id, *_rest in steps}
    )
    problems = []
    for event_id, previous, place, expected in steps:
        event = events[event_id]
        params = {
            "event": event,
            "previous": previous["place"],
            "place": place,
            "tied": ordinal(previous["place"]),
            "expected": ordinal(expected),
        }
        if place < expected:
            message = _(
                "Place %(place)d follows a tie for %(tied)s in %(event)s: after that tie the "
                "next place is %(expected)s."
            )
        elif previous["count"] > 1:
            message = _(
                "Places skip from %(previous)d to %(place)d in %(event)s: after the tie for "
                "%(tied)s the next place is %(expected)s."
            )
        else:
            message = _("Places skip from %(previous)d to %(place)d in %(event)s.")
        problems.append(problem("places", message % params, event))
    return problems


# 3. The rules across an event's result list ----------------------------------------------


def result_lists():
    """
    Each event's results against the rules across a result list, the same rules the admin,
    the paste and `loaddata` run (`results.rules`): an athlete entered twice, one place with
    two marks, a better mark placed behind a worse one.

    One query: every result, finished or not, streamed in event order; each event's list is
    checked as soon as the stream moves past it, so memory holds one list at a time.
    """
    results = Result.objects.select_related(
        "athlete", "event__competition", "event__discipline"
    ).order_by("event_id", "pk")
    event_results = []
    for result in results.iterator(chunk_size=CHUNK_SIZE):
        if event_results and event_results[0].event_id != result.event_id:
            yield from _result_list_problems(event_results)
            event_results = []
        event_results.append(result)
    if event_results:
        yield from _result_list_problems(event_results)


def _result_list_problems(event_results):
    # Each row is labelled with its athlete, whose name the messages print; the label found
    # in a problem leads back to its result.
    rows = [(result.athlete, result) for result in event_results]
    by_label = {id(athlete): result for athlete, result in rows}
    event = event_results[0].event
    for label, _field, text in result_list_problems(rows, event.discipline):
        result = by_label[id(label)]
        message = _("%(event)s, %(athlete)s: %(problem)s") % {
            "event": event,
            "athlete": result.athlete,
            "problem": text,
        }
        yield problem("result-list", message, result)


# 4. Medal places in a round that has no final ----------------------------------------------


def medals_without_final():
    """
    Places 1–3 of a heat, semi-final or qualification at a medal-awarding championship whose
    edition has no final in that discipline and sex: medals are counted from finals only, so
    that podium is missing from every medal table (the round was probably mistyped).
    """
    final = Event.objects.filter(
        competition=OuterRef("event__competition"),
        discipline=OuterRef("event__discipline"),
        sex=OuterRef("event__sex"),
        round=Event.Round.FINAL,
    )
    results = (
        Result.objects.finished()
        .filter(place__lte=3, event__competition__championship__awards_medals=True)
        .exclude(event__round=Event.Round.FINAL)
        .filter(~Exists(final))
        .select_related("athlete", "event__competition", "event__discipline")
        .order_by("event_id", "place", "pk")
    )
    for result in results.iterator(chunk_size=CHUNK_SIZE):
        event = result.event
        message = _(
            "%(athlete)s is %(place)s in %(event)s, but %(competition)s has no %(final)s final, "
            "so this podium is missing from the medal tables."
        ) % {
            "athlete": result.athlete,
            "place": ordinal(result.place),
            "event": event,
            "competition": event.competition,
            "final": Event(discipline=event.discipline, sex=event.sex).title,
        }
        yield problem("medal-without-final", message, result)


# 5. Personal bests better than the world record --------------------------------------------


def personal_bests_beating_world_records():
    """
    Athletes whose best mark in a discipline beats the world record for their sex: a typo
    in the mark, the wrong discipline or sex, or a world record to update. One aggregate
    query (the best mark per athlete, kept when it beats the record) per discipline and sex
    that has a record, and one for the results that set those bests.
    """
    disciplines = Discipline.objects.filter(
        Q(men_world_record__isnull=False) | Q(women_world_record__isnull=False)
    ).order_by("position", "code")
    for discipline in disciplines:
        for sex in (Sex.MEN, Sex.WOMEN):
            record = discipline.world_record(sex)
            if record is not None:
                yield from _bests_beating(discipline, sex, record)


def _bests_beating(discipline, sex, record):
    marks = Result.objects.with_marks().filter(event__discipline=discipline, athlete__sex=sex)
    bests = (
        marks.values("athlete_id")
        .annotate(best=discipline.best_of())
        .filter(discipline.better_than(record, field="best"))
    )
    bests = {row["athlete_id"]: row["best"] for row in bests.order_by()}
    if not bests:
        return
    for batch in batches(bests.items()):
        setting = any_of(Q(athlete_id=pk, mark=mark) for pk, mark in batch)
        results = (
            marks.filter(setting)
            .select_related("athlete", "event__competition", "event__discipline")
            .order_by(
                "athlete_id",
                "event__competition__year",
                F("event__date").asc(nulls_last=True),
                "pk",
            )
        )
        seen = set()
        for result in results:
            # An earlier mark wins a tie, as on the athlete's page.
            if result.athlete_id not in seen:
                seen.add(result.athlete_id)
                yield _best_beating(discipline, sex, record, result)


def _best_beating(discipline, sex, record, result):
    message = _(
        "%(athlete)s's personal best in %(discipline)s, %(mark)s at %(competition)s, is "
        "better than the %(sex)s world record, %(record)s."
    ) % {
        "athlete": result.athlete,
        "discipline": discipline.label,
        "mark": discipline.format_mark(result.mark, hand_timed=result.hand_timed),
        "competition": result.event.competition,
        "sex": _sex_possessive(sex),
        "record": discipline.format_mark(record),
    }
    return problem("beats-world-record", message, result)


# 7. The same person twice in a final -------------------------------------------------------


def same_person_twice_in_a_final():
    """
    Finals in which two different athlete rows share an accent-folded name: almost always
    one person entered twice ("Jefferson Pérez" and "Jefferson Perez"), whose results are
    then split between two pages. `Athlete.search_name` holds exactly `fold()` of the full
    name (kept by a pre_save signal), so the grouping happens in SQL.
    """
    groups = (
        Result.objects.filter(event__round=Event.Round.FINAL)
        .exclude(athlete__search_name="")
        .values("event_id", "athlete__search_name")
        .annotate(athletes=Count("athlete_id", distinct=True))
        .filter(athletes__gt=1)
        .order_by("event_id", "athlete__search_name")
    )
    groups = [(row["event_id"], row["athlete__search_name"]) for row in groups]
    if not groups:
        return []
    athletes = defaultdict(list)
    events = {}
    for batch in batches(groups):
        condition = any_of(
            Q(event_id=event_id, athlete__search_name=name) for event_id, name in batch
        )
        results = (
            Result.objects.filter(condition)
            .select_related("athlete", "event__competition", "event__discipline")
            .order_by("event_id", "athlete__slug")
        )
        for result in results:
            key = (result.event_id, result.athlete.search_name)
            athletes[key].append(result.athlete)
            events[result.event_id] = result.event
    problems = []
    for key in groups:
        found = athletes[key]
        event = events[key[0]]
        message = _(
            "%(name)s appears %(count)d times in %(event)s, as different athletes (%(slugs)s): "
            "one is probably a duplicate record to merge."
        ) % {
            "name": found[0],
            "count": len(found),
            "event": event,
            "slugs": ", ".join(athlete.slug for athlete in found),
        }
        problems.append(problem("twice-in-final", message, event))
    return problems


def same_name_and_birth():
    """
    Athlete records that share an accent-folded name and a date of birth: one person entered
    twice, whose results are split between two pages even when they never met in a final.
    One GROUP BY over `search_name` and the date, then the records of each group, in batches.
    """
    groups = (
        Athlete.objects.exclude(search_name="")
        .filter(date_of_birth__isnull=False)
        .values("search_name", "date_of_birth")
        .annotate(records=Count("id"))
        .filter(records__gt=1)
        .order_by("search_name", "date_of_birth")
    )
    groups = [(row["search_name"], row["date_of_birth"]) for row in groups]
    found = defaultdict(list)
    for batch in batches(groups):
        condition = any_of(Q(search_name=name, date_of_birth=born) for name, born in batch)
        for athlete in Athlete.objects.filter(condition).order_by("slug"):
            found[(athlete.search_name, athlete.date_of_birth)].append(athlete)
    problems = []
    for key in groups:
        athletes = found[key]
        message = _(
            "%(name)s, born %(born)s, has %(count)d records (%(slugs)s): one person entered "
            "twice is merged into one record."
        ) % {
            "name": athletes[0],
            "born": athletes[0].date_of_birth.isoformat(),
            "count": len(athletes),
            "slugs": ", ".join(athlete.slug for athlete in athletes),
        }
        problems.append(problem("same-name-and-birth", message, athletes[0]))
    return problems


# 8. Record tags on marks that cannot be records ------------------------------------------


def records_on_marks_that_cannot_be_records():
    """
    Results tagged as a record (WR, AR, NR…) whose mark cannot be one under the rules of
    `Result.record_eligible_problem`: wind-aided, or without the wind reading its discipline
    needs. One query: the tagged results of the disciplines where wind is read.
    """
    results = (
        Result.objects.with_marks()
        .exclude(records="")
        .filter(event__discipline__code__in=list(WIND_LIMITS))
        .select_related("athlete", "event__competition", "event__discipline")
        .order_by("event_id", "pk")
    )
    for result in results.iterator(chunk_size=CHUNK_SIZE):
        reason = result.record_eligible_problem
        if reason:
            message = _("%(athlete)s's %(mark)s (%(tags)s) in %(event)s: %(reason)s.") % {
                "athlete": result.athlete,
                "mark": result.mark_display,
                "tags": result.records,
                "event": result.event,
                "reason": reason,
            }
            yield problem("record-not-legal", message, result)


def open_problem_count():
    """How many problems `find_problems()` reports, cached until the archive next changes."""
    return cached_value("open-problems", lambda: len(find_problems()))


def count_by_rule(problems):
    """{rule: count} in the order of `RULES`, for summaries."""
    counts = defaultdict(int)
    for item in problems:
        counts[item.rule] += 1
    return {rule: counts[rule] for rule in RULES if counts[rule]}


def _sex_possessive(sex):
    return _("men's") if sex == Sex.MEN else _("women's")
