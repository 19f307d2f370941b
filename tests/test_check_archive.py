"""
`manage.py check_archive` and its admin page: the shipped archive is clean, and each kind
of problem that `loaddata`, bulk imports or raw SQL can leave behind is reported with the
admin page that fixes it.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.html import escape

from athletes.models import Alias, Athlete, Sex
from results.claims import contradicted_claims
from results.models import Barrier, Championship, Claim, Discipline, Event, Result
from results.problems import find_problems
from results.standings.athlete import athlete_profile

from .factories import (
    AthleteFactory,
    ChampionshipFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
    SourceFactory,
)
from .helpers import change_url, count_queries

pytestmark = pytest.mark.django_db


def run_check():
    """Run the command; return (exit status, output) as the shell would see them."""
    out = StringIO()
    try:
        call_command("check_archive", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def assert_clean():
    """The command passes and says that it found no problem."""
    status, output = run_check()
    assert status == 0, output
    assert "No problems found." in output
    return output


def assert_reported(rule, message, obj):
    """The command fails and prints `rule: …message… /admin/…/change/` for `obj`."""
    status, output = run_check()
    assert status == 1, output
    url = change_url(obj)
    lines = [line for line in output.splitlines() if line.startswith(f"{rule}: ")]
    assert any(message in line and line.endswith(f" {url}") for line in lines), output
    return output


def results_in(event, *places):
    """One finisher per place given, in `event`, marks following places (ties share one)."""
    return [ResultFactory(event=event, place=place, mark=mark_for(place)) for place in places]


def mark_for(place):
    """A 20 km walk time for `place`: 1:20:00 for the winner, a second more per place."""
    return 4_800_000 + (place - 1) * 1000


# The shipped archive ---------------------------------------------------------------------


def test_the_shipped_archive_is_clean(perez):
    assert_clean()
    assert find_problems() == []


def test_an_archive_of_reference_data_only_is_clean(reference_data):
    assert_clean()
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


def test_a_partial_list_is_not_a_problem(reference_data):
    # The winner and the athlete the archive follows, 4th: nobody else is known.
    results_in(EventFactory(), 1, 4)
    assert find_problems() == []


def test_the_same_gap_in_a_complete_list_is_reported(reference_data):
    event = EventFactory(complete=True)
    results_in(event, 1, 4)
    [problem] = find_problems()
    assert (problem.rule, problem.obj) == ("places", event)
    assert problem.message == f"Places skip from 1 to 4 in {event}."


def test_places_that_skip_are_reported(reference_data):
    event = EventFactory(
        competition=CompetitionFactory(name="Osaka 2007", year=2007), complete=True
    )
    results_in(event, 1, 2, 4)
    assert_reported(
        "places", "Places skip from 2 to 4 in Osaka 2007 – Men's 20 km race walk.", event
    )


def test_a_place_too_soon_after_a_tie_is_reported(reference_data):
    event = EventFactory(complete=True)
    results_in(event, 1, 1, 2)
    # After a tie for 1st the next place is 3rd.
    assert_reported(
        "places",
        f"Place 2 follows a tie for 1st in {event}: after that tie the next place is 3rd.",
        event,
    )


def test_a_gap_after_a_tie_is_reported(reference_data):
    event = EventFactory(complete=True)
    results_in(event, 1, 2, 2, 5)
    [problem] = find_problems()
    assert problem.rule == "places"
    assert "Places skip from 2 to 5" in problem.message
    assert "after the tie for 2nd the next place is 4th" in problem.message


@pytest.mark.parametrize("places", [(1, 2, 2, 4), (1, 1, 1, 4), (3,), (4, 5), (12,), (2, 2, 4)])
def test_places_in_sequence_are_fine_in_a_complete_list(reference_data, places):
    # Only the steps between the places held are checked: a list may start after 1st.
    results_in(EventFactory(complete=True), *places)
    assert find_problems() == []


def test_places_of_different_events_are_not_mixed(reference_data):
    results_in(EventFactory(complete=True), 1, 2)
    results_in(EventFactory(complete=True), 3, 4)
    assert find_problems() == []


# 3. The rules across an event's result list ---------------------------------------------


def markov():
    return AthleteFactory(given_name="Ilya", family_name="Markov")


def test_two_winners_with_different_marks_are_reported(reference_data):
    event = EventFactory(competition=CompetitionFactory(name="Atlanta 1996", year=1996))
    first = ResultFactory(event=event, place=1, mark=4_700_000)
    second = ResultFactory(event=event, athlete=markov(), place=1, mark=4_701_000)
    output = assert_reported(
        "result-list",
        f"Atlanta 1996 – Men's 20 km race walk, Ilya Markov: Place 1 is also given to "
        f"{first.athlete} with a different mark: only equal marks can share a place.",
        second,
    )
    assert output.count("result-list:") == 1
    assert "Result list rules: 1" in output


def test_a_better_mark_placed_behind_a_worse_one_is_reported(reference_data):
    event = EventFactory()
    first = ResultFactory(event=event, place=1, mark=4_800_000)
    second = ResultFactory(event=event, athlete=markov(), place=2, mark=4_790_000)
    [problem] = find_problems()
    assert (problem.rule, problem.obj) == ("result-list", second)
    assert problem.rule_label == "Result list rules"
    assert problem.message == (
        f"{event}, Ilya Markov: Place 2 has 1:19:50, better than 1:20:00 for place 1 "
        f"({first.athlete}): places must follow the marks."
    )


def test_ties_and_unfinished_results_keep_to_the_result_list_rules(reference_data):
    event = EventFactory()
    results_in(event, 1, 2, 2, 4)
    ResultFactory(event=event, place=None, mark=None, status=Result.Status.DID_NOT_FINISH)
    ResultFactory(event=event, place=None, mark=4_700_000)  # a mark without a known place
    assert find_problems() == []


# 4. Medal places in a round with no final -----------------------------------------------


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


# 5. Personal bests better than the world record -----------------------------------------


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


# 6. Results before birth or after retirement: Result.clean(), so "invalid" ------------


# An athlete born on 15 June 1990, and one who retired on 21 September 2008.
BORN = {"date_of_birth": datetime.date(1990, 6, 15)}
RETIRED = {"retired_on": datetime.date(2008, 9, 21)}


def test_a_result_before_birth_is_reported(reference_data):
    # Only the year is known: 1985 is before 1990.
    athlete = AthleteFactory(given_name="Young", family_name="Walker", **BORN)
    result = ResultFactory(athlete=athlete, event=EventFactory(competition__year=1985))
    assert_reported("invalid", "athlete: The event took place before the athlete's birth.", result)


def test_a_result_after_retirement_is_reported(reference_data):
    athlete = AthleteFactory(given_name="Old", family_name="Walker", **RETIRED)
    ResultFactory(athlete=athlete, event=EventFactory(competition__year=2008))
    result = ResultFactory(athlete=athlete, event=EventFactory(competition__year=2010))
    assert_reported(
        "invalid", "athlete: The event took place after the athlete's retirement.", result
    )
    # The result of the year of retirement, whose day is unknown, is not reported.
    assert {p.obj for p in find_problems()} == {result}


@pytest.mark.parametrize(
    ("athlete", "event_date", "start_date", "reported"),
    [
        (BORN, datetime.date(1990, 6, 14), None, True),
        (BORN, datetime.date(1990, 6, 15), None, False),
        (BORN, None, datetime.date(1990, 6, 1), True),
        (BORN, None, datetime.date(1990, 7, 1), False),
        # The same year with no known day may be after the birthday, or before retiring.
        (BORN, None, None, False),
        (RETIRED, datetime.date(2008, 9, 22), None, True),
        (RETIRED, datetime.date(2008, 9, 21), None, False),
        (RETIRED, None, datetime.date(2008, 10, 1), True),
        (RETIRED, None, datetime.date(2008, 8, 9), False),
        (RETIRED, None, None, False),
    ],
)
def test_the_best_known_day_is_compared_with_the_birth_and_the_retirement(
    reference_data, athlete, event_date, start_date, reported
):
    [(field, day)] = athlete.items()
    competition = CompetitionFactory(year=day.year, start_date=start_date)
    result = ResultFactory(
        athlete=AthleteFactory(**athlete),
        event=EventFactory(competition=competition, date=event_date),
    )
    word = "birth" if field == "date_of_birth" else "retirement"
    problems = [p for p in find_problems() if word in p.message]
    assert [p.obj for p in problems] == ([result] if reported else [])


# 7. The same person twice in a final ----------------------------------------------------


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


def test_two_records_with_one_name_and_date_of_birth_are_reported(reference_data):
    born = datetime.date(1974, 7, 1)
    first = AthleteFactory(
        given_name="Jefferson", family_name="Pérez", slug="jefferson-perez", date_of_birth=born
    )
    AthleteFactory(
        given_name="Jefferson", family_name="Perez", slug="jefferson-perez-1974", date_of_birth=born
    )
    # Namesakes born on other days, or on unknown ones, are not one person for sure.
    AthleteFactory(given_name="Jefferson", family_name="Perez", slug="jefferson-perez-1990")
    assert_reported(
        "same-name-and-birth",
        "Jefferson Pérez, born 1974-07-01, has 2 records (jefferson-perez, jefferson-perez-1974)",
        first,
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


# Sources' claims against the results ---------------------------------------------------

SEED_SOURCE = "“Jefferson Pérez: race results & historic”"
SEED_CONTRADICTIONS = {
    5: f"Jefferson Pérez – {SEED_SOURCE} says 2 bronze medals at the World Race Walking Cup; "
    "the results give 1.",
    10: f"Jefferson Pérez – {SEED_SOURCE} says 14 championship medals; the results give 17.",
    11: f"Jefferson Pérez – {SEED_SOURCE} says 7 performances under 1:20:00 in the 20 km race "
    "walk; the results give 5.",
}


def claim(athlete, position, count, **fields):
    fields.setdefault("subject", Claim.Subject.BARRIER if "barrier" in fields else "medals")
    return Claim.objects.create(
        athlete=athlete,
        position=position,
        count=count,
        source=fields.pop("source", None) or SourceFactory(title="Yearbook"),
        quote=fields.pop("quote", f"claim {position}"),
        **fields,
    )


def test_the_seeds_contradicted_claims_are_listed(perez):
    contradicted = contradicted_claims()
    assert {c.claim.position: c.message for c in contradicted} == SEED_CONTRADICTIONS
    status, output = run_check()
    section = output.split("Sources contradicted by the results:\n")[1]
    for contradiction in contradicted:
        url = reverse("admin:results_claim_change", args=[contradiction.claim.pk])
        assert f"claim: {contradiction.message} {url}" in section.splitlines()
    assert "3 claims contradicted by the results" in section


def test_the_seeds_correct_claims_are_not_listed(perez):
    claims = Claim.objects.filter(athlete=perez)
    assert claims.count() == 12
    listed = {c.claim.pk for c in contradicted_claims()}
    correct = claims.exclude(pk__in=listed)
    assert sorted(correct.values_list("position", flat=True)) == [1, 2, 3, 4, 6, 7, 8, 9, 12]
    _status, output = run_check()
    for correct_claim in correct:
        assert reverse("admin:results_claim_change", args=[correct_claim.pk]) not in output


def test_contradicted_claims_alone_do_not_fail_the_check(perez):
    output = assert_clean()
    assert "Sources contradicted by the results:" in output


def test_problems_fail_the_check_and_claims_are_still_listed(perez):
    event = EventFactory(complete=True)
    results_in(event, 1, 3)
    status, output = run_check()
    assert status == 1
    assert "1 problem found (Places out of sequence: 1)." in output
    assert SEED_CONTRADICTIONS[11] in output


def test_claims_change_no_derived_figure(perez):
    profile = athlete_profile(perez)
    assert profile.medals.total.total == 17
    walk = next(b for b in profile.barriers if b.barrier.discipline.code == "20KW")
    assert walk.count == 5


def test_barrier_claims_count_as_the_profile_does(perez):
    # Every claim made to contradict: the figure derived for it is then always reported.
    Claim.objects.filter(athlete=perez).update(count=99)
    derived = {c.claim.barrier: c.derived for c in contradicted_claims() if c.claim.barrier_id}
    shown = {b.barrier: b.count for b in athlete_profile(perez).barriers}
    assert len(derived) == 2
    assert derived == {barrier: shown[barrier] for barrier in derived}
    assert sorted(derived.values()) == [1, 5]


def test_medal_claims_count_by_championship_and_medal(reference_data):
    athlete = AthleteFactory(given_name="Maria", family_name="Vasco")
    games, cup = ChampionshipFactory(name="Games"), ChampionshipFactory(name="Cup")
    for championship, place in [(games, 1), (games, 2), (games, 4), (cup, 1)]:
        ResultFactory(athlete=athlete, place=place, event__competition__championship=championship)
    # A heat is no medal, nor a podium where no medals are awarded.
    ResultFactory(athlete=athlete, place=1, event__round=Event.Round.HEAT)
    ResultFactory(athlete=athlete, place=1, event__competition__championship__awards_medals=False)
    right = [
        claim(athlete, 1, 1, championship=games, medal=Claim.Medal.GOLD),
        claim(athlete, 2, 2, championship=games),
        claim(athlete, 3, 3),
        claim(athlete, 4, 2, medal=Claim.Medal.GOLD),
        claim(athlete, 5, 0, championship=cup, medal=Claim.Medal.BRONZE),
    ]
    wrong = [
        claim(athlete, 6, 2, championship=cup, medal=Claim.Medal.GOLD),
        claim(athlete, 7, 4),
    ]
    contradicted = contradicted_claims()
    assert [(c.claim, c.derived) for c in contradicted] == [(wrong[0], 1), (wrong[1], 3)]
    assert contradicted[0].message == (
        "Maria Vasco – “Yearbook” says 2 gold medals at the Cup; the results give 1."
    )
    assert contradicted[1].message == (
        "Maria Vasco – “Yearbook” says 4 championship medals; the results give 3."
    )
    assert right[0] not in [c.claim for c in contradicted]


def test_a_barrier_of_the_other_sex_counts_no_mark(reference_data):
    athlete = AthleteFactory(given_name="Ana", family_name="Cabecinha", sex=Sex.WOMEN)
    ResultFactory(athlete=athlete, event__sex=Sex.WOMEN, place=1, mark=5_300_000)
    women = Barrier.objects.get(discipline__code="20KW", sex=Sex.WOMEN, mark=5_400_000)
    men = Barrier.objects.get(discipline__code="20KW", sex=Sex.MEN, mark=4_800_000)
    claim(athlete, 1, 1, barrier=women)
    wrong = claim(athlete, 2, 1, barrier=men)
    [contradiction] = contradicted_claims()
    assert (contradiction.claim, contradiction.derived) == (wrong, 0)
    assert "says 1 performance under 1:20:00 in the 20 km race walk" in contradiction.message


def test_the_claims_of_some_athletes_only(perez):
    other = AthleteFactory()
    claim(other, 1, 5)
    assert len(contradicted_claims(Claim.objects.filter(athlete=other))) == 1
    assert len(contradicted_claims(perez.claims.all())) == 3
    assert contradicted_claims(Claim.objects.none()) == []


def test_claims_are_checked_in_a_fixed_number_of_queries(reference_data):
    barrier = Barrier.objects.get(discipline__code="20KW", sex=Sex.MEN, mark=4_800_000)
    championship = Championship.objects.get(slug="olympic-games")

    def claims_for_a_new_athlete(position=1):
        athlete = AthleteFactory()
        ResultFactory(athlete=athlete, place=1, mark=4_790_000)
        claim(athlete, position, 3, barrier=barrier)
        claim(athlete, position + 1, 2, championship=championship, medal=Claim.Medal.GOLD)

    claims_for_a_new_athlete()
    few = count_queries(contradicted_claims)
    for _athlete in range(20):
        claims_for_a_new_athlete()
    assert Claim.objects.count() == 42
    assert count_queries(contradicted_claims) == few == 3


# Bounded queries ------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_archive(reference_data):
    athlete = AthleteFactory(date_of_birth=datetime.date(1980, 1, 1))
    event = EventFactory()
    ResultFactory(event=event, athlete=athlete, place=1)
    few = count_queries(find_problems)
    for place in range(2, 40):
        ResultFactory(event=event, place=place)
    ResultFactory.create_batch(40)
    assert Result.objects.count() > 70
    assert Athlete.objects.count() > 70
    assert count_queries(find_problems) == few


# The admin page -------------------------------------------------------------------------


def test_staff_see_the_problems_with_links(reference_data, editor_client):
    event = EventFactory(
        competition=CompetitionFactory(name="Osaka 2007", year=2007), complete=True
    )
    results_in(event, 1, 2, 4)
    response = editor_client.get(reverse("check-archive"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Places skip from 2 to 4 in Osaka 2007 – Men&#x27;s 20 km race walk." in html
    assert f'href="{reverse("admin:results_event_change", args=[event.pk])}"' in html
    assert "No problems found" not in html


def test_staff_see_a_clean_archive(perez, editor_client):
    response = editor_client.get(reverse("check-archive"))
    assert response.status_code == 200
    assert "No problems found." in response.content.decode()


def test_staff_see_the_contradicted_claims_apart_from_the_problems(perez, editor_client):
    response = editor_client.get(reverse("check-archive"))
    html = response.content.decode()
    assert "No problems found." in html
    assert "Sources contradicted by the results" in html
    for position, message in SEED_CONTRADICTIONS.items():
        pk = Claim.objects.get(athlete=perez, position=position).pk
        assert f'href="{reverse("admin:results_claim_change", args=[pk])}"' in html
        assert escape(message) in html
    assert escape("“World Race Walking Cup 2 x bronze”") in html
    correct = Claim.objects.get(athlete=perez, position=1)
    assert reverse("admin:results_claim_change", args=[correct.pk]) not in html


def test_the_admin_index_links_to_the_check(editor_client):
    response = editor_client.get(reverse("admin:index"))
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


def test_a_wind_where_none_is_read_is_a_problem(reference_data):
    walk = EventFactory(discipline=Discipline.objects.get(code="20KW"))
    result = ResultFactory(event=walk, place=1, mark=4_800_000, wind=Decimal("1.5"))
    indoors = EventFactory(
        discipline=Discipline.objects.get(code="LJ"), competition=CompetitionFactory(indoor=True)
    )
    jump = ResultFactory(event=indoors, place=1, mark=8_000, wind=Decimal("0.5"))

    found = {p.obj: p.message for p in find_problems() if "wind" in p.message}

    assert "No wind is read in this discipline." in found[result]
    assert "No wind is read indoors." in found[jump]


def test_a_hand_timed_jump_or_a_hand_time_to_the_hundredth_is_a_problem(reference_data):
    jump = ResultFactory(
        event=EventFactory(discipline=Discipline.objects.get(code="LJ")),
        place=1,
        mark=8_120,
        wind=Decimal("1.0"),
        hand_timed=True,
    )
    dash = ResultFactory(
        event=EventFactory(discipline=Discipline.objects.get(code="100")),
        place=1,
        mark=10_340,
        wind=Decimal("1.0"),
        hand_timed=True,
    )

    found = {p.obj: p.message for p in find_problems() if p.rule == "invalid"}

    assert "Only a time can be hand-timed." in found[jump]
    assert "A hand time is read to the tenth of a second" in found[dash]
