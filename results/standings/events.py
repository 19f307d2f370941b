"""An event's result list, a competition's podiums and a championship's winners."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL

from athletes.models import Source
from revisions.paging import page_asked

from ..models import BY_ATHLETE_NAME, Event, Result
from ..pagination import CountedPaginator


@dataclass
class EventRow:
    result: object
    tied: bool


def _columns():
    """The results' table, its key's column and its event's, for the SQL written below."""
    meta = Result._meta
    return meta.db_table, meta.pk.column, meta.get_field("event").column


def _shared(column):
    """
    Whether another finisher of the row's event has the row's `column` (its place, its
    mark), as SQL on the row's own table: `Exists` wrote the same query, but Django took
    1.7 ms to write the page's query with two of them and a count, against 0.85 ms for
    this (an event of twenty results, whose query runs in 0.1 ms).
    """
    table, pk, event = _columns()
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {table} other WHERE other.{event} = {table}.{event}"
        f" AND other.status = %s AND other.{column} = {table}.{column}"
        f" AND other.{pk} <> {table}.{pk})",
        [Result.Status.FINISHED],
        output_field=BooleanField(),
    )


def _sheet(event):
    """
    An event's results in sheet order (finishers by place then mark, then DNF, DNS, DQ and
    NM), each with whether another finisher shares its place or its mark, and with the size
    of the whole sheet: a page of it knows its ties and its count in one query, the ties
    found by the indexes of an event's places and marks. (Window functions counted the same
    at five times the cost on a sheet of 10,000: they sorted the whole sheet's rows, every
    athlete's column with them, once for each count.)
    """
    table, _, event_column = _columns()
    size = f"SELECT COUNT(*) FROM {table} WHERE {event_column} = %s"
    return (
        event.results.select_related("athlete", "country")
        .in_sheet_order(event.discipline)
        .annotate(
            place_shared=_shared("place"),
            mark_shared=_shared("mark"),
            sheet_size=RawSQL(size, [event.pk], output_field=IntegerField()),
        )
    )


def _row(result):
    # A shared place or an equal mark among the finishers is shown as a tie.
    tied = result.is_finished and (result.place_shared or result.mark_shared)
    return EventRow(result, tied=tied)


def event_results(event):
    """The full result list of an event (`EventRow`s), in the order of a result sheet."""
    return [_row(result) for result in _sheet(event)]


# An event's results a page at a time, on its page and in the API: more than any
# championship's field, so that only a mass race's sheet runs to a second page.
RESULTS_PER_PAGE = 500

# Far past any sheet, and small enough for any database's OFFSET.
LAST_PAGE_ASKED = 1_000_000


def sheet_page(event, number, per_page):
    """
    Page `number` (from 1) of an event's result list, a `Page` of `EventRow`s, in one query;
    None past the last page. Page 1 of an event with no results is an empty page.
    """
    number = min(number, LAST_PAGE_ASKED)
    results = list(_sheet(event)[(number - 1) * per_page : number * per_page])
    if not results and number > 1:
        return None
    paginator = CountedPaginator(results[0].sheet_size if results else 0, per_page)
    return Page([_row(result) for result in results], number, paginator)


def last_page_number(event, per_page):
    """The number of the last page of an event's result list (a count)."""
    return max(1, math.ceil(event.results.count() / per_page))


def event_results_page(event, number, per_page):
    """
    The page of an event's result list that a visitor's `?page=` asks for: a junk or
    out-of-range page number gives the nearest page (a page past the end costs a count and
    a second read).
    """
    page = sheet_page(event, page_asked(number), per_page)
    if page is None:
        page = sheet_page(event, last_page_number(event, per_page), per_page)
    return page


def top_three_by_event(results):
    """
    Places 1–3 among `results`, grouped by event, ties in place order (one query): the
    podium of a final, the leaders of a heat.
    """
    by_event = defaultdict(list)
    podium_results = (
        results.finished()
        .filter(place__lte=Result.PODIUM_PLACES)
        .select_related("athlete", "country")
        .order_by("place", "mark", *BY_ATHLETE_NAME)
    )
    for result in podium_results:
        by_event[result.event_id].append(result)
    return by_event


def competition_podiums(competition):
    """Each event of a competition with its podium, in two queries."""
    events = list(
        # Each race's final first, then the rounds that led to it.
        competition.events.select_related("discipline").order_by(
            "discipline__venue", "discipline__position", "sex", Event.round_as_run().desc()
        )
    )
    by_event = top_three_by_event(Result.objects.filter(event__competition=competition))
    for event in events:
        # The event is already loaded: spare each podium row a query for its discipline.
        for result in by_event[event.pk]:
            result.event = event
    return [(event, by_event[event.pk]) for event in events]


def championship_winners(championship, editions):
    """Winners of every final of some editions of a championship, newest first (one query)."""
    return (
        Result.objects.podiums()
        .filter(
            event__competition__championship=championship,
            event__competition__in=[edition.pk for edition in editions],
            place=1,
        )
        .with_related()
        .order_by("-event__competition__year", "event__discipline__position", "event__sex")
    )


def event_sources(event):
    """The sources of an event's results, by title: what its page and the API's cite."""
    return Source.objects.filter(results__event=event).distinct().order_by("title")
