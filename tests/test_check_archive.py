"""
`manage.py check_archive` and its admin page: the shipped archive is clean, and each kind
of problem that `loaddata`, bulk imports or raw SQL can leave behind is reported with the
admin page that fixes it.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Alias, Athlete, Sex
from results.checks import find_problems
from results.models import Discipline, Event, Result

from .factories import (
    AthleteFactory,
    ChampionshipFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db


def run_check():
    """Run the command; return (exit status, output) as the shell would see them."""
    out = StringIO()
    try:
        call_command("check_archive", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def assert_reported(rule, message, obj):
    """The command fails and prints `rule: …message… /admin/…/change/` for `obj`."""
    status, output = run_check()
    assert status == 1, output
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    lines = [line for line in output.splitlines() if line.startswith(f"{rule}: ")]
    assert any(message in line and line.endswith(f" {url}") for line in lines), output
    return output


def results_in(event, *places):
    """One finisher per place given, in `event`."""
    return [ResultFactory(event=event, place=place) for place in places]


# The shipped archive ---------------------------------------------------------------------


def test_the_shipped_archive_is_clean(perez):
    status, output = run_check()
    assert status == 0, output
    assert "No problems found." in output


def test_an_empty_archive_is_clean(db):
    assert find_problems() == []


# 1. Rows that fail clean() ---------------------------------------------------------------


def test_a_result_with_an_implausible_mark_is_reported(reference_data):
    # 17:21 for a 20 km walk: minutes typed for hours, saved without validation.
    result = ResultFactory(mark=17 * 60 * 1000 + 21_000, place=1)
    output = assert_reported("invalid", "is not a valid mark for 20 km race walk", result)
    assert f"Result “{result}”, mark:" in output


def test_an_athlete_born_in_the_future_is_reported(reference_data):
    athlete = AthleteFactory(date_of_birth=datetime.date.today() + datetime.timedelta(days=30))
    output = assert_reported("invalid", "A date of birth cannot be in the future.", athlete)
    assert f"Athlete “{athlete}”, date of birth:" in output


def test_an_alias_is_fixed_on_its_athletes_page(reference_data):
    athlete = AthleteFactory()
    alias = Alias.objects.create(athlete=athlete, name="")  # blank: fails full_clean()
    problems = find_problems()
    assert problems
    for problem in problems:
        assert (problem.rule, problem.obj) == ("invalid", alias)
        assert problem.admin_url == reverse("admin:athletes_athlete_change", args=[athlete.pk])


# 2. Places out of sequence ---------------------------------------------------------------


def test_places_that_skip_are_reported(reference_data):
    event = EventFactory(competition=CompetitionFactory(name="Osaka 2007", year=2007))
    results_in(event, 1, 2, 4)
    assert_reported(
        "places", "Places skip from 2 to 4 in Osaka 2007 – Men's 20 km race walk.", event
    )


def test_a_place_too_soon_after_a_tie_is_reported(reference_data):
    event = EventFactory()
    results_in(event, 1, 1, 2)
    # After a tie for 1st the next place is 3rd.
    assert_reported(
        "places",
        f"Place 2 follows a tie for 1st in {event}: after that tie the next place is 3rd.",
        event,
    )


def test_a_gap_after_a_tie_is_reported(reference_data):
    event = EventFactory()
    results_in(event, 1, 2, 2, 5)
    [problem] = find_problems()
    assert problem.rule == "places"
    assert "Places skip from 2 to 5" in problem.message
    assert "after the tie for 2nd the next place is 4th" in problem.message


@pytest.mark.parametrize("places", [(1, 2, 2, 4), (1, 1, 1, 4), (3,), (4, 5), (12,), (2, 2, 4)])
def test_places_in_sequence_or_partial_lists_are_fine(reference_data, places):
    # The archive often holds only the athletes it follows: a 4th place alone is fine.
    results_in(EventFactory(), *places)
    assert find_problems() == []


def test_places_of_different_events_are_not_mixed(reference_data):
    results_in(EventFactory(), 1, 2)
    results_in(EventFactory(), 3, 4)
    assert find_problems() == []


# 3. Medal places in a round with no final -----------------------------------------------


def test_a_medal_in_a_heat_without_a_final_is_reported(reference_data):
    heat = EventFactory(round=Event.Round.HEAT)
    result = ResultFactory(event=heat, place=1)
    assert_reported("medal-without-final", f"{result.athlete} is 1st in {heat}", result)


def test_places_in_a_heat_are_fine_when_there_is_a_final(reference_data):
    heat = EventFactory(round=Event.Round.HEAT)
    ResultFactory(event=heat, place=1)
    EventFactory(competition=heat.competition, round=Event.Round.FINAL)
    assert find_problems() == []


def test_places_in_a_heat_are_fine_where_no_medals_are_awarded(reference_data):
    competition = CompetitionFactory(championship=ChampionshipFactory(awards_medals=False))
    ResultFactory(event=EventFactory(competition=competition, round=Event.Round.HEAT), place=1)
    ResultFactory(event=EventFactory(round=Event.Round.SEMI_FINAL), place=4)
    assert find_problems() == []


def test_a_final_of_the_other_sex_does_not_count(reference_data):
    heat = EventFactory(round=Event.Round.HEAT, sex=Sex.WOMEN)
    woman = AthleteFactory(sex=Sex.WOMEN)
    result = ResultFactory(event=heat, athlete=woman, place=2, mark=5_400_000)
    EventFactory(competition=heat.competition, sex=Sex.MEN)
    [problem] = find_problems()
    assert (problem.rule, problem.obj) == ("medal-without-final", result)


# 4. Personal bests better than the world record -----------------------------------------


def test_a_personal_best_better_than_the_world_record_is_reported(reference_data):
    # The men's 20 km walk record is 1:16:10; 1:15:00 is plausible, but not for the archive.
    athlete = AthleteFactory(given_name="Quick", family_name="Walker")
    ResultFactory(athlete=athlete, mark=4_800_000, place=1)
    best = ResultFactory(athlete=athlete, mark=4_500_000, place=1)
    ResultFactory(athlete=athlete, mark=4_550_000, place=1)
    output = assert_reported(
        "beats-world-record",
        "Quick Walker's personal best in 20 km race walk, 1:15:00 at "
        f"{best.event.competition}, is better than the men's world record, 1:16:10.",
        best,
    )
    # One problem per athlete and discipline, not one per result under the record.
    assert output.count("beats-world-record:") == 1


def test_the_record_of_the_athletes_sex_applies(reference_data):
    # 1:20:00 beats the women's record (1:23:49) but not the men's.
    ResultFactory(mark=4_800_000, place=1)
    woman = AthleteFactory(sex=Sex.WOMEN)
    result = ResultFactory(
        event=EventFactory(sex=Sex.WOMEN), athlete=woman, mark=4_800_000, place=1
    )
    [problem] = find_problems()
    assert (problem.rule, problem.obj) == ("beats-world-record", result)
    assert "women's world record, 1:23:49" in problem.message


def test_equalling_the_world_record_is_fine(reference_data):
    record = Discipline.objects.get(code="20KW").men_world_record
    ResultFactory(mark=record, place=1)
    assert find_problems() == []


# 5. Results before birth or after retirement --------------------------------------------


def born_1990():
    return AthleteFactory(
        given_name="Young", family_name="Walker", date_of_birth=datetime.date(1990, 6, 15)
    )


def test_a_result_before_birth_is_reported(reference_data):
    # Only the year is known: 1985 is before 1990.
    result = ResultFactory(athlete=born_1990(), event=EventFactory(competition__year=1985))
    assert_reported(
        "before-birth",
        f"Young Walker, born June 15, 1990, has a result in {result.event}, in 1985.",
        result,
    )


@pytest.mark.parametrize(
    ("event_date", "start_date", "reported"),
    [
        (datetime.date(1990, 6, 14), None, True),
        (datetime.date(1990, 6, 15), None, False),
        (None, datetime.date(1990, 6, 1), True),
        (None, datetime.date(1990, 7, 1), False),
        # The same year with no known day may be after the birthday.
        (None, None, False),
    ],
)
def test_the_best_known_day_is_compared_with_the_birth(
    reference_data, event_date, start_date, reported
):
    competition = CompetitionFactory(year=1990, start_date=start_date)
    result = ResultFactory(
        athlete=born_1990(), event=EventFactory(competition=competition, date=event_date)
    )
    problems = [p for p in find_problems() if p.rule == "before-birth"]
    assert [p.obj for p in problems] == ([result] if reported else [])


def test_a_result_after_retirement_is_reported(reference_data):
    athlete = AthleteFactory(
        given_name="Old", family_name="Walker", retired_on=datetime.date(2008, 9, 21)
    )
    ResultFactory(athlete=athlete, event=EventFactory(competition__year=2008))
    result = ResultFactory(athlete=athlete, event=EventFactory(competition__year=2010))
    assert_reported(
        "after-retirement",
        f"Old Walker retired on Sept. 21, 2008, but has a result in {result.event}, in 2010.",
        result,
    )
    assert [p.obj for p in find_problems()] == [result]


@pytest.mark.parametrize(
    ("event_date", "start_date", "reported"),
    [
        (datetime.date(2008, 9, 22), None, True),
        (datetime.date(2008, 9, 21), None, False),
        (None, datetime.date(2008, 10, 1), True),
        (None, datetime.date(2008, 8, 9), False),
        (None, None, False),
    ],
)
def test_the_best_known_day_is_compared_with_the_retirement(
    reference_data, event_date, start_date, reported
):
    athlete = AthleteFactory(retired_on=datetime.date(2008, 9, 21))
    competition = CompetitionFactory(year=2008, start_date=start_date)
    result = ResultFactory(
        athlete=athlete, event=EventFactory(competition=competition, date=event_date)
    )
    problems = [p for p in find_problems() if p.rule == "after-retirement"]
    assert [p.obj for p in problems] == ([result] if reported else [])


# 6. The same person twice in a final ----------------------------------------------------


def test_the_same_person_twice_in_a_final_is_reported(reference_data):
    event = EventFactory()
    first = AthleteFactory(given_name="Jefferson", family_name="Pérez", slug="jefferson-perez")
    second = AthleteFactory(given_name="Jefferson", family_name="Perez", slug="jefferson-perez-2")
    ResultFactory(event=event, athlete=first, place=1)
    ResultFactory(event=event, athlete=second, place=2)
    assert_reported(
        "twice-in-final",
        f"Jefferson Pérez appears 2 times in {event}, as different athletes "
        "(jefferson-perez, jefferson-perez-2)",
        event,
    )


def test_namesakes_in_a_heat_or_in_different_finals_are_fine(reference_data):
    first = AthleteFactory(given_name="Juan", family_name="Molina", slug="juan-molina")
    second = AthleteFactory(given_name="Juan", family_name="Molina", slug="juan-molina-1990")
    heat = EventFactory(round=Event.Round.HEAT)
    EventFactory(competition=heat.competition)  # the final, so the heat's places are fine
    ResultFactory(event=heat, athlete=first, place=4)
    ResultFactory(event=heat, athlete=second, place=5)
    ResultFactory(athlete=first, place=4)
    ResultFactory(athlete=second, place=5)
    assert find_problems() == []


# Bounded queries ------------------------------------------------------------------------


def count_queries():
    with CaptureQueriesContext(connection) as queries:
        find_problems()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_archive(reference_data):
    athlete = AthleteFactory(date_of_birth=datetime.date(1980, 1, 1))
    event = EventFactory()
    ResultFactory(event=event, athlete=athlete, place=1)
    few = count_queries()
    for place in range(2, 40):
        ResultFactory(event=event, place=place)
    ResultFactory.create_batch(40)
    assert Result.objects.count() > 70
    assert Athlete.objects.count() > 70
    assert count_queries() == few


# The admin page -------------------------------------------------------------------------


def test_staff_see_the_problems_with_links(reference_data, admin_client):
    event = EventFactory(competition=CompetitionFactory(name="Osaka 2007", year=2007))
    results_in(event, 1, 2, 4)
    response = admin_client.get(reverse("check-archive"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Places skip from 2 to 4 in Osaka 2007 – Men&#x27;s 20 km race walk." in html
    assert f'href="{reverse("admin:results_event_change", args=[event.pk])}"' in html
    assert "No problems found" not in html


def test_staff_see_a_clean_archive(perez, admin_client):
    response = admin_client.get(reverse("check-archive"))
    assert response.status_code == 200
    assert "No problems found." in response.content.decode()


def test_the_admin_index_links_to_the_check(db, admin_client):
    response = admin_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert f'href="{reverse("check-archive")}"' in html
    assert "Check the archive" in html
    assert "Recent actions" in html


def test_anonymous_visitors_are_sent_to_the_login_page(reference_data, client):
    url = reverse("check-archive")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"


def test_non_staff_users_are_sent_to_the_login_page(reference_data, client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="not-staff-1234")
    client.force_login(user)
    response = client.get(reverse("check-archive"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
