"""
Each rule of the sport is written once, on its model, in Python for rows in hand and in SQL
for queries (`results.models`): the two halves must agree on every kind of row.
"""

from decimal import Decimal
from itertools import product

import pytest

from results.bestmarks import deferred
from results.models import Discipline, Event, Result

from .factories import (
    AthleteFactory,
    ChampionshipFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind_of_result(reference_data):
    """
    Results of every combination that a rule looks at: disciplines with and without wind
    readings and hand timing, indoors and out, at altitude, winds either side of the limit,
    rounds, places and statuses, championships that award medals and meetings that do not.
    """
    codes = ["100", "400", "LJ", "HJ", "DEC", "20KW", "10000W"]
    medals = ChampionshipFactory(awards_medals=True)
    no_medals = ChampionshipFactory(awards_medals=False)
    competitions = [
        CompetitionFactory(championship=medals),
        CompetitionFactory(championship=no_medals, indoor=True),
        CompetitionFactory(championship=None, altitude_m=1800),
    ]
    winds = [None, Decimal("2.0"), Decimal("2.1"), Decimal("4.1")]
    results = []
    # Two hundred results: the derived tables refreshed once at the end, as a fixture load
    # does, not after each save (the rules read the results themselves).
    with deferred():
        for code, competition, round in product(codes, competitions, ["final", "heat"]):
            event = EventFactory(
                discipline=Discipline.objects.get(code=code), competition=competition, round=round
            )
            for place, wind in enumerate(winds, start=1):
                results.append(
                    ResultFactory(event=event, place=place, wind=wind, hand_timed=place % 2 == 0)
                )
            results.append(
                ResultFactory(
                    event=event, place=None, mark=None, status=Result.Status.DID_NOT_FINISH
                )
            )
    return results


def rows(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_podiums_and_medals_agree_in_python_and_sql(every_kind_of_result):
    results = Result.objects.with_related()
    assert rows(Result.objects.podiums()) == {r.pk for r in results if r.is_podium}
    assert rows(Result.objects.medals()) == {r.pk for r in results if r.is_medal}
    assert rows(Result.objects.medals()), "the data holds medals"


@pytest.mark.parametrize("include", [(), ("wind",), ("hand",), ("indoor",), ("wind", "hand")])
def test_legal_marks_agree_in_python_and_sql(every_kind_of_result, include):
    results = list(Result.objects.with_related())
    expected = {r.pk for r in results if r.counts_with(include)}
    assert rows(Result.objects.legal(include=include)) == expected
    for discipline in Discipline.objects.filter(events__isnull=False).distinct():
        in_discipline = Result.objects.filter(event__discipline=discipline)
        assert rows(in_discipline.legal(discipline, include)) == {
            r.pk for r in results if r.event.discipline == discipline and r.counts_with(include)
        }, discipline.code


def test_each_kind_kept_apart_is_found(every_kind_of_result):
    kinds = set().union(*(r.apart_kinds for r in Result.objects.with_related()))
    assert kinds == set(Result.APART_KINDS)
    legal = Result.objects.legal().with_related()
    assert legal.exists() and all(r.is_legal for r in legal)


@pytest.mark.parametrize(
    ("code", "wind", "aided"),
    [("100", "2.0", False), ("100", "2.1", True), ("LJ", "2.1", True), ("DEC", "4.0", False)],
)
def test_wind_over_the_limit_is_wind_aided(reference_data, code, wind, aided):
    event = EventFactory(discipline=Discipline.objects.get(code=code))
    result = ResultFactory(event=event, wind=Decimal(wind))
    assert result.wind_aided == aided
    assert ("w" in result.flags) == aided


def test_better_marks_read_the_same_way_in_python_and_sql(reference_data):
    for code in ["100", "LJ", "DEC"]:
        discipline = Discipline.objects.get(code=code)
        event = EventFactory(discipline=discipline, round=Event.Round.FINAL)
        for mark in (9_000, 9_500, 9_900):
            ResultFactory(event=event, place=None, mark=mark, athlete=AthleteFactory())
        marks = event.results.all()
        best = marks.aggregate(best=discipline.best_of())["best"]
        ordered = list(marks.order_by(discipline.mark_order()).values_list("mark", flat=True))
        assert ordered[0] == best
        assert all(discipline.beats(a, b) for a, b in zip(ordered, ordered[1:], strict=False))
        # The order of rows of any discipline (the API's result list) is the same here.
        across = marks.order_by(Discipline.best_mark_first()).values_list("mark", flat=True)
        assert list(across) == ordered
        assert rows(marks.filter(discipline.better_than(9_500))) == {
            r.pk for r in marks if discipline.beats(r.mark, 9_500)
        }
