"""
Two athletes compared: every race both ran, who finished ahead in each, their wins by
discipline and their personal bests in the disciplines both ran.

Both athletes' results are fetched in one query and compared in Python, as the other tables
about one athlete are: two athletes hold hundreds of results at most.
"""

from dataclasses import dataclass, field

from ..models import Result
from .athlete import RESULT_ORDER
from .bests import best_of, by_discipline


def finished_ahead(result, other):
    """Which of two results of one race finished ahead (`Result.finished_ahead_of`), or None."""
    ahead = result.finished_ahead_of(other)
    return None if ahead is None else (result if ahead else other)


@dataclass
class Meeting:
    """One race both ran: each one's result, and the athlete who finished ahead (or None)."""

    result: object
    other_result: object
    ahead: object

    @property
    def event(self):
        return self.result.event


@dataclass
class DisciplineTally:
    """How two athletes fared in one discipline both ran: their races together and bests."""

    discipline: object
    meetings: int = 0
    wins: int = 0
    other_wins: int = 0
    best: object = None
    other_best: object = None


@dataclass
class HeadToHead:
    athlete: object
    other: object
    meetings: list
    disciplines: list = field(default_factory=list)

    @property
    def wins(self):
        return sum(tally.wins for tally in self.disciplines)

    @property
    def other_wins(self):
        return sum(tally.other_wins for tally in self.disciplines)

    @property
    def undecided(self):
        """Races together in which neither finished ahead of the other."""
        return len(self.meetings) - self.wins - self.other_wins

    @property
    def labels(self):
        """How the summary names the two: by family name, unless both share it."""
        if self.athlete.family_name.casefold() == self.other.family_name.casefold():
            return self.athlete.name, self.other.name
        return self.athlete.family_name, self.other.family_name


def results_of_both(athlete, other):
    """Every result of the two athletes, oldest first, with what the page shows (one query)."""
    return list(
        Result.objects.filter(athlete__in=[athlete, other])
        .with_related()
        .order_by(*RESULT_ORDER, "event_id")
    )


def head_to_head(athlete, other):
    """`athlete` against `other`, from both athletes' results, in one query."""
    results = results_of_both(athlete, other)
    own = [result for result in results if result.athlete_id == athlete.pk]
    theirs = [result for result in results if result.athlete_id == other.pk]
    by_event = {result.event_id: result for result in theirs}
    meetings = []
    for result in own:
        other_result = by_event.get(result.event_id)
        if other_result is None:
            continue
        ahead = finished_ahead(result, other_result)
        if ahead is not None:
            ahead = athlete if ahead is result else other
        meetings.append(Meeting(result, other_result, ahead))

    own_groups, their_groups = by_discipline(own), by_discipline(theirs)
    tallies = {}
    for discipline in sorted(
        set(own_groups) & set(their_groups), key=lambda d: (not d.is_road, d.position, d.code)
    ):
        tallies[discipline.pk] = DisciplineTally(
            discipline,
            best=best_of(own_groups[discipline], discipline).result,
            other_best=best_of(their_groups[discipline], discipline).result,
        )
    for meeting in meetings:
        tally = tallies[meeting.event.discipline.pk]
        tally.meetings += 1
        if meeting.ahead is athlete:
            tally.wins += 1
        elif meeting.ahead is other:
            tally.other_wins += 1
    return HeadToHead(athlete, other, meetings, list(tallies.values()))
