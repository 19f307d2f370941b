"""
A reader comparing sprinters sees legal marks first and the others kept apart, flagged, and
can count them in: on a profile and in an all-time list, on a desktop and a phone.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from athletes.models import Athlete
from results.models import Discipline

from ..factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sprinter(site):
    """A 100 m runner: a legal 10.05, a legal 10.00 at altitude, a wind-aided 9.95, a hand 9.8."""
    athlete = AthleteFactory(slug="fast-runner", given_name="Fast", family_name="Runner")
    sprint = Discipline.objects.get(code="100")
    for year, mark, wind, hand, altitude in [
        (2010, 10_050, "1.5", False, None),
        (2010, 9_950, "3.1", False, None),
        (2011, 9_800, "1.0", True, None),
        (2012, 10_000, "1.9", False, 2240),
    ]:
        competition = CompetitionFactory(year=year, championship=None, altitude_m=altitude)
        event = EventFactory(discipline=sprint, competition=competition)
        ResultFactory(
            event=event, athlete=athlete, place=1, mark=mark, wind=Decimal(wind), hand_timed=hand
        )
    return Athlete.objects.get(pk=athlete.pk)


def assert_fits_a_phone(page, screenshot):
    """On a 375 px screen the page scrolls only down; its screenshot is kept to look at."""
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshot, full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)


def test_a_profile_shows_the_legal_best_and_the_marks_kept_apart(
    page, site, sprinter, screenshot_dir
):
    page.goto(site + sprinter.get_absolute_url())
    bests = page.locator("#personal-bests tbody tr").first
    expect(bests).to_contain_text("10.00A")
    expect(bests).to_contain_text("9.8h")
    page.screenshot(path=screenshot_dir / "legal-marks-profile-1280.png", full_page=True)

    page.get_by_label("hand-timed").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#personal-bests tbody tr").first).to_contain_text("9.8h")
    expect(page.get_by_label("hand-timed")).to_be_checked()

    assert_fits_a_phone(page, screenshot_dir / "legal-marks-profile-375.png")


def test_an_all_time_list_keeps_wind_aided_and_hand_times_apart(
    page, site, sprinter, screenshot_dir
):
    page.goto(site + "/disciplines/100/")
    listed = page.locator("table").first
    expect(listed).to_contain_text("10.00A")
    expect(listed).not_to_contain_text("9.8h")
    kept_apart = page.locator("#kept-apart")
    # A list of performers: his best mark kept apart, once.
    expect(kept_apart).to_contain_text("9.8h")
    expect(kept_apart).not_to_contain_text("9.95w")
    page.goto(site + "/disciplines/100/?list=performances")
    expect(kept_apart).to_contain_text("9.8h")
    expect(kept_apart).to_contain_text("9.95w")
    page.screenshot(path=screenshot_dir / "legal-marks-all-time-1280.png", full_page=True)

    page.get_by_label("wind-aided or wind not measured").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table").first).to_contain_text("9.95w")

    assert_fits_a_phone(page, screenshot_dir / "legal-marks-all-time-375.png")
