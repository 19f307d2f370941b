"""An event's result list, a competition's podiums and a championship's winners."""

from collections import defaultdict
from dataclasses import dataclass

from ..models import Result


@dataclass
class EventRow:
    result: object
    tied: bool


def event_results(event):
    """
    The full result list of an event, in the order of a result sheet (finishers by place then
    mark, then DNF, DNS, DQ and NM). A shared place or an equal mark is shown as a tie.
    """
    results = list(
        event.results.select_related("athlete", "country").in_sheet_order(event.discipline)
    )
    places = defaultdict(int)
    marks_seen = defaultdict(int)
    for result in results:
        if result.is_finished:
            if result.place is not None:
                places[result.place] += 1
            if result.mark is not None:
                marks_seen[result.mark] += 1
    return [
        EventRow(
            result,
            tied=result.is_finished
            and (places.get(result.place, 0) > 1 or marks_seen.get(result.mark, 0) > 1),
        )
        for result in results
    ]


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
        .order_by("place", "mark", "athlete__family_name")
    )
    for result in podium_results:
        by_event[result.event_id].append(result)
    return by_event


def competition_podiums(competition):
    """Each event of a competition with its podium, in two queries."""
    events = list(
        competition.events.select_related("discipline").order_by(
            "discipline__venue", "discipline__position", "sex", "round"
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
