"""The entry screen for result sheets in a real browser, as an Editors-group user: the results
table fits a 1280 px window and a phone's 375 px without the page scrolling sideways, the
title is never covered by the buttons beside it, and a new athlete's pop-up takes the row's
nation."""

import pytest
from playwright.sync_api import expect

from athletes.models import Country, Sex
from results.models import Discipline, Result

from ..factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Where the title (h1 and the event's name under it) and the object tools lie on the page.
BOXES_JS = """
() => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  return {
    titles: [...document.querySelectorAll("#content > h1, #content > h2")].map(box),
    tools: [...document.querySelectorAll(".object-tools li")].map(box),
  };
}
"""


def overlap(one, other):
    across = one["left"] < other["right"] and other["left"] < one["right"]
    down = one["top"] < other["bottom"] and other["top"] < one["bottom"]
    return across and down


@pytest.fixture
def sprint_final(site):
    """A women's 100 m final: every column the table has (wind and hand timing too)."""
    competition = CompetitionFactory(
        name="World Athletics Championships Budapest 2023", year=2023, city="Budapest"
    )
    event = EventFactory(
        competition=competition, discipline=Discipline.objects.get(code="100"), sex=Sex.WOMEN
    )
    nations = ["JAM", "USA", "JAM", "GBR", "CIV", "USA", "SUI"]
    for place, code in enumerate(nations, start=1):
        athlete = AthleteFactory(
            sex=Sex.WOMEN,
            country=Country.objects.get(code=code),
            given_name=f"Sprinter{place}",
            family_name=f"Fastest-Of-The-World-{place}",
        )
        ResultFactory(
            event=event, athlete=athlete, place=place, mark=10_650 + place * 40, wind="-0.2"
        )
    ResultFactory(
        event=event,
        athlete=AthleteFactory(sex=Sex.WOMEN, country=Country.objects.get(code="NGR")),
        place=None,
        mark=None,
        status=Result.Status.DID_NOT_START,
    )
    return event


def open_event(page, site, event):
    page.goto(f"{site}/admin/results/event/{event.pk}/change/")
    expect(page.locator("#results-group")).to_be_visible()
    # The pickers are drawn by select2 once the page has loaded.
    expect(page.locator("#results-0 .field-athlete .select2-container")).to_be_visible()


def assert_fits_and_title_uncovered(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width} > {inner_width}"
    boxes = page.evaluate(BOXES_JS)
    assert boxes["titles"] and boxes["tools"]
    for title in boxes["titles"]:
        for tool in boxes["tools"]:
            assert not overlap(title, tool), f"a button {tool} covers the title {title}"


def test_the_results_table_fits_a_1280_px_window(editor_page, site, sprint_final, screenshot_dir):
    page = editor_page
    open_event(page, site, sprint_final)

    assert_fits_and_title_uncovered(page)
    table = page.locator("#results-group table").bounding_box()
    content = page.locator("#content").bounding_box()
    assert table["x"] + table["width"] <= content["x"] + content["width"]
    # Every column, Delete included, is on screen without scrolling sideways.
    for column in ("place", "athlete", "country", "mark", "status", "wind", "records", "note"):
        cell = page.locator(f"#results-0 td.field-{column}").bounding_box()
        assert cell["x"] + cell["width"] <= 1280, column
    delete = page.locator("#id_results-0-DELETE").bounding_box()
    assert delete["x"] + delete["width"] <= 1280
    # The winner comes first and the non-starter last.
    expect(page.locator("#results-0 .field-athlete")).to_contain_text("Fastest-Of-The-World-1")
    expect(page.locator("#results-7 .field-status select")).to_have_value("DNS")
    # What the columns need, less than the window gives them.
    needed = page.locator("#results-group table").evaluate(
        "(table) => { table.style.width = 'min-content'; const width = table.offsetWidth; "
        "table.style.width = ''; return width; }"
    )
    assert needed <= table["width"]
    print(f"results table at 1280 px: {table['width']:.0f} px wide, needs {needed} px")
    page.screenshot(path=screenshot_dir / "admin-entry-screen-1280.png", full_page=True)


def test_the_entry_screen_is_usable_on_a_phone(editor_page, site, sprint_final, screenshot_dir):
    page = editor_page
    page.set_viewport_size(PHONE)
    open_event(page, site, sprint_final)

    assert_fits_and_title_uncovered(page)
    # The table scrolls inside its own box, so its last column can still be reached.
    group = page.locator("#results-group")
    assert group.evaluate("(element) => element.scrollWidth > element.clientWidth")
    page.locator("#id_results-0-DELETE").scroll_into_view_if_needed()
    expect(page.locator("#id_results-0-DELETE")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("document.querySelector('#results-group').scrollLeft = 0")
    page.screenshot(path=screenshot_dir / "admin-entry-screen-375.png", full_page=True)


def test_a_new_athlete_pop_up_takes_the_events_sex_and_the_rows_nation(
    editor_page, site, sprint_final
):
    page = editor_page
    open_event(page, site, sprint_final)
    jamaica = Country.objects.get(code="JAM")

    # An empty row: its nation chosen first, then "+" beside its athlete.
    row = page.locator("#results-8")
    row.locator(".field-country .select2-selection").click()
    page.locator(".select2-search__field[aria-controls=select2-id_results-8-country-results]").fill(
        "Jamaica"
    )
    page.locator(".select2-results__option", has_text="Jamaica").first.click()
    with page.expect_popup() as opened:
        page.locator("#add_id_results-8-athlete").click()
    pop_up = opened.value
    pop_up.wait_for_load_state()

    assert "sex=W" in pop_up.url and f"country={jamaica.pk}" in pop_up.url
    expect(pop_up.locator("#id_sex")).to_have_value("W")
    expect(pop_up.locator("#id_country")).to_have_value(str(jamaica.pk))
