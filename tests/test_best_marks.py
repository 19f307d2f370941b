"""
The derived tables (each athlete's best legal mark per discipline and their number, every
listed mark and their number per discipline, every medal, each athlete's and nation's medal
tally, the number of athletes) always equal what a recomputation from the results gives,
whatever wrote them: a save, an edit, a delete, a merge, an event or competition changed, a
fixture load.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from athletes.merge import merge_athletes
from results.bestmarks import LISTED_COLUMNS, MEDAL_COLUMNS, rebuild
from results.models import (
    AthleteMedalTally,
    BestMark,
    BestMarkCount,
    CountryMedalTally,
    Discipline,
    ListedMark,
    ListedMarkCount,
    Medal,
    RowCount,
)
from results.standings.lists import performances, performers
from revisions.context import revision
from revisions.models import Revision
from revisions.services import revision_undo

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .helpers import create_editor, load, paste_preview, paste_save

RIVAL_FIXTURE = Path(__file__).parent / "data" / "rival-fernandez.json"

pytestmark = pytest.mark.django_db


# Each derived table and the columns compared (those the rebuild writes).
TABLES = {
    BestMark: ["athlete_id", "discipline_id", "result_id", "mark", "sex", "year"],
    ListedMark: [*LISTED_COLUMNS, "apart"],
    ListedMarkCount: ["discipline_id", "sex", "apart", "marks"],
    BestMarkCount: ["discipline_id", "sex", "athletes"],
    Medal: MEDAL_COLUMNS,
    AthleteMedalTally: ["athlete_id", "gold", "silver", "bronze"],
    CountryMedalTally: ["country_id", "gold", "silver", "bronze"],
    RowCount: ["table", "rows"],
}


def tables():
    """The derived tables, as comparable sets of rows."""
    rows = {model: set(model.objects.values_list(*fields)) for model, fields in TABLES.items()}
    # A count that fell to 0 stays until a rebuild, which writes none: the same as no row.
    for counts in (ListedMarkCount, BestMarkCount):
        rows[counts] = {row for row in rows[counts] if row[-1]}
    return rows


def recomputed():
    """The tables as `rebuild()` makes them from scratch, the live ones left as they were."""
    live = tables()
    rebuild()
    fresh = tables()
    for model, fields in TABLES.items():
        model.objects.all().delete()
        model.objects.bulk_create(
            model(**dict(zip(fields, row, strict=True))) for row in live[model]
        )
    return fresh


def assert_up_to_date():
    assert tables() == recomputed()


@pytest.fixture
def sprint(reference_data):
    return Discipline.objects.get(code="100")


def dash(sprint, runner, mark):
    """A legal 100 m: wind read, and within the limit."""
    event = EventFactory(discipline=sprint)
    return ResultFactory(event=event, athlete=runner, mark=mark, wind=Decimal("1.0"))


def test_adds_edits_and_deletes_keep_the_table_up_to_date(perez, sprint):
    assert_up_to_date()
    runner = AthleteFactory()
    first = dash(sprint, runner, 10_200)
    second = dash(sprint, runner, 10_100)
    assert BestMark.objects.get(athlete=runner, discipline=sprint).result == second
    second.mark = 10_300
    second.save()
    assert BestMark.objects.get(athlete=runner, discipline=sprint).result == first
    second.wind = Decimal("3.0")  # now wind-aided: not a legal best
    second.mark = 9_900
    second.save()
    assert BestMark.objects.get(athlete=runner, discipline=sprint).result == first
    first.delete()
    assert not BestMark.objects.filter(athlete=runner, discipline=sprint).exists()
    assert_up_to_date()
    AthleteFactory().delete()  # the number of athletes, up and down again
    assert_up_to_date()


def test_moving_a_result_or_changing_its_event_or_competition_keeps_it_up_to_date(sprint):
    runner, other = AthleteFactory(), AthleteFactory()
    result = dash(sprint, runner, 10_100)
    result.athlete = other
    result.save()
    assert_up_to_date()
    event = result.event
    event.discipline = Discipline.objects.get(code="200")
    event.save()
    assert_up_to_date()
    competition = event.competition
    competition.indoor = True
    competition.save()
    assert not BestMark.objects.filter(athlete=other).exists()
    assert_up_to_date()


def test_deleting_a_whole_competition_keeps_it_up_to_date(perez):
    competition = perez.results.first().event.competition
    competition.delete()
    assert_up_to_date()


def test_a_merge_keeps_it_up_to_date(perez):
    twin = AthleteFactory(given_name="Jeferson", family_name="Perez", country=perez.country)
    walk = Discipline.objects.get(code="20KW")
    race = EventFactory(discipline=walk, competition=CompetitionFactory(year=2001))
    ResultFactory(event=race, athlete=twin, mark=4_600_000)
    merge_athletes(perez, twin)
    assert BestMark.objects.get(athlete=perez, discipline=walk).mark == 4_600_000
    assert_up_to_date()


def test_a_fixture_load_keeps_it_up_to_date(perez):
    load(RIVAL_FIXTURE)
    assert_up_to_date()


def test_the_shipped_archive_holds_perezs_best_walk(perez):
    best = BestMark.objects.get(athlete=perez, discipline__code="20KW")
    assert best.result.mark_display == "1:17:21"


def test_the_performers_list_reads_the_same_from_the_table_as_from_the_results(perez):
    load(RIVAL_FIXTURE)
    walk = Discipline.objects.get(code="20KW")

    def listed(ranked):
        return [(r.rank, r.athlete_id, r.mark, r.pk) for r in ranked[0:50]]

    from_table = listed(performers(walk, "M"))
    assert from_table == listed(performers(walk, "M", ListedMark.objects.all()))
    assert from_table[0][1] == perez.pk


def test_the_performances_list_is_as_long_as_the_marks_it_lists(perez, sprint):
    walk = Discipline.objects.get(code="20KW")
    whole = performances(walk, "M")
    assert len(whole) == performances(walk, "M", ListedMark.objects.all()).count() > 0
    runner = AthleteFactory()
    dash(sprint, runner, 10_200)
    wind_aided = dash(sprint, runner, 9_900)
    wind_aided.wind = Decimal("2.5")
    wind_aided.save()
    assert len(performances(sprint, "M")) == 1
    assert len(performances(sprint, "M", include=("wind",))) == 2
    wind_aided.delete()
    assert len(performances(sprint, "M", include=("wind",))) == 1


def test_the_performers_list_is_as_long_as_the_athletes_it_ranks(perez, sprint):
    walk = Discipline.objects.get(code="20KW")
    assert len(performers(walk, "M")) == performers(walk, "M", ListedMark.objects.all()).count()
    assert len(performers(walk, "M")) > 0
    runner, other = AthleteFactory(), AthleteFactory()
    first = dash(sprint, runner, 10_200)
    dash(sprint, runner, 10_100)
    assert len(performers(sprint, "M")) == 1
    best_of_other = dash(sprint, other, 10_300)
    assert len(performers(sprint, "M")) == 2
    # The best mark's own result deleted: the row goes with it, the athlete is still ranked.
    BestMark.objects.get(athlete=runner, discipline=sprint).result.delete()
    assert len(performers(sprint, "M")) == 2
    first.delete()
    best_of_other.delete()
    assert len(performers(sprint, "M")) == 0
    assert_up_to_date()


def test_medals_follow_a_changed_round_and_a_championship_that_stops_awarding_them(perez):
    final = perez.results.filter(place=1).select_related("event__competition").first().event
    final.round = "heat"
    final.save()
    assert_up_to_date()
    championship = final.competition.championship
    championship.awards_medals = False
    championship.save()
    assert not Medal.objects.filter(championship=championship).exists()
    assert_up_to_date()


def test_a_pasted_sheet_saved_by_an_editor_keeps_them_up_to_date(ana, perez, final_2001):
    lines = "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00"
    saved = paste_save(ana, final_2001, paste_preview(ana, final_2001, lines))
    assert saved.status_code == 302
    assert final_2001.results.count() == 2
    assert ListedMark.objects.filter(result__event=final_2001).count() == 2
    assert_up_to_date()


def undone(change):
    """Make `change` in a revision of its own, then undo it as the admin's button does."""
    editor = User.objects.filter(username="undoer").first() or create_editor("undoer")
    with revision(kind=Revision.Kind.EDIT, user=editor) as state:
        change()
    revision_undo(revision_id=state.revision.pk, user=editor)


def test_an_undo_keeps_them_up_to_date(perez, sprint):
    runner, other = AthleteFactory(), AthleteFactory()
    result = dash(sprint, runner, 10_100)
    final = perez.results.filter(place=1).select_related("event__competition").first().event
    championship = final.competition.championship

    def save(instance, **values):
        def change():
            fresh = type(instance).objects.get(pk=instance.pk)
            for name, value in values.items():
                setattr(fresh, name, value)
            fresh.save()

        return change

    undone(save(championship, awards_medals=False))
    assert Medal.objects.filter(championship=championship).exists()
    assert_up_to_date()
    undone(save(result, athlete=other))
    assert BestMark.objects.get(discipline=sprint, result=result).athlete == runner
    assert_up_to_date()
    undone(save(final, round="heat"))
    assert_up_to_date()
    undone(save(result.event, discipline=Discipline.objects.get(code="200")))
    assert_up_to_date()
    undone(save(result.event.competition, indoor=True))
    assert_up_to_date()
