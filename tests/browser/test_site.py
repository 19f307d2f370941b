"""A visitor's journey through the archive in a real browser: search, profile, podiums, medals.

Each test asserts what a person would notice on the screen (headings, links, messages), not
the HTML the server sent, which the view tests already cover.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROFILE = "/athletes/jefferson-perez/"

# Elements wider than the viewport whose parent is not, outside any scrolling container: the
# ones that push the page sideways, described so that a failure names them.
OVERFLOWING_ELEMENTS_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    const parts = [];
    for (let a = el; a && a !== document.body && parts.length < 4; a = a.parentElement) {
      let part = a.tagName.toLowerCase();
      if (a.id) part += "#" + a.id;
      if (a.classList.length) part += "." + [...a.classList].join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  return [...document.body.querySelectorAll("*")]
    .filter((el) => {
      const right = el.getBoundingClientRect().right;
      const parentRight = el.parentElement.getBoundingClientRect().right;
      return right > width + 0.5 && parentRight <= width + 0.5 && !scrolls(el);
    })
    .map((el) => {
      const box = el.getBoundingClientRect();
      const text = el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60);
      return `${describe(el)} (right edge ${Math.round(box.right)} px): "${text}"`;
    });
}
"""


def test_searching_from_the_header_finds_the_athlete_and_opens_the_profile(page, site):
    """The header search is how most visitors arrive at a profile; accents must not matter."""
    page.goto(site + "/")
    page.get_by_label("Search the archive").fill("perez")
    page.locator("#site-search-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=perez$"))
    result = page.get_by_role("main").get_by_role("link", name="Jefferson Pérez")
    expect(result).to_be_visible()
    result.click()

    expect(page).to_have_url(site + PROFILE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jefferson Pérez")


def test_a_podium_on_the_profile_leads_to_its_competition_and_podium(page, site):
    """Podium cards link each medal to the competition, whose page shows the podiums again."""
    page.goto(site + PROFILE)
    card = page.locator("#podiums .podium-card").first
    competition_link = card.locator("p a").first
    competition = competition_link.inner_text().strip()
    competition_link.click()

    expect(page).to_have_url(re.compile(r"/competitions/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(competition)
    podiums = page.locator("ol.podium")
    expect(podiums.first).to_be_visible()
    expect(podiums.locator(".place-1").first).to_be_visible()
    expect(podiums.get_by_role("link", name="Jefferson Pérez").first).to_be_visible()


def test_choosing_a_championship_filters_the_medal_tables(page, site):
    """The filter form is a plain GET form: the choice must land in the URL and the tables."""
    page.goto(site + "/medals/")
    page.locator("select[name=championship]").select_option(label="Olympic Games")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"[?&]championship=olympic-games(&|$)"))
    expect(page.locator("select[name=championship]")).to_have_value("olympic-games")
    by_nation = page.get_by_role("table", name="Medals by nation")
    expect(by_nation.get_by_role("rowheader").filter(has_text="Ecuador")).to_be_visible()
    by_athlete = page.get_by_role("table", name="Medals by athlete")
    expect(by_athlete.get_by_role("link", name="Jefferson Pérez")).to_be_visible()


def test_a_bad_filter_value_shows_a_form_error_not_a_server_error(page, site):
    """A hand-edited or stale URL must get a message the visitor can act on, never a 500."""
    response = page.goto(site + "/medals/?year_from=abc")

    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Medal tables")
    error = page.locator(".field.has-error [role=alert]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("whole number")
    expect(page.get_by_text("Correct the filter above to see the medal tables.")).to_be_visible()


def test_profile_at_desktop_width_shows_the_athlete(page, site, screenshot_dir):
    """The desktop screenshot is kept for a person to look at; the page must not scroll sideways."""
    page.set_viewport_size(DESKTOP)
    page.goto(site + PROFILE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jefferson Pérez")
    page.screenshot(path=screenshot_dir / "profile-desktop.png", full_page=True)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= DESKTOP["width"], page.evaluate(OVERFLOWING_ELEMENTS_JS)


def test_profile_fits_a_phone_screen_without_sideways_scrolling(page, site, screenshot_dir):
    """At 375 px (a small phone) wide tables must scroll inside their box, not the whole page."""
    page.set_viewport_size(PHONE)
    page.goto(site + PROFILE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jefferson Pérez")
    page.screenshot(path=screenshot_dir / "profile-phone.png", full_page=True)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(OVERFLOWING_ELEMENTS_JS)
    assert scroll_width <= PHONE["width"], (
        f"the profile is {scroll_width} px wide at {PHONE['width']} px; overflowing: "
        + "; ".join(culprits or ["(no single element found)"])
    )


# For each table wider than its scrolling box: its caption's edges, then its left edge once the
# box is scrolled to the far end.
WIDE_TABLE_CAPTIONS_JS = """
() => [...document.querySelectorAll(".table-scroll")]
  .filter((box) => box.scrollWidth > box.clientWidth && box.querySelector("caption"))
  .map((box) => {
    const caption = box.querySelector("caption");
    const before = caption.getBoundingClientRect();
    box.scrollLeft = box.scrollWidth;
    const after = caption.getBoundingClientRect();
    return {
      caption: caption.textContent.trim().replace(/\\s+/g, " "),
      left: before.left,
      right: before.right,
      leftScrolled: after.left,
    };
  })
"""


def test_a_wide_tables_caption_is_read_whole_on_a_phone(page, site):
    """
    On a phone a wide table scrolls sideways inside its box. Its caption, which names the
    table, fits the screen and stays put while the rows scroll under it.
    """
    page.set_viewport_size(PHONE)
    page.goto(site + PROFILE)
    captions = page.evaluate(WIDE_TABLE_CAPTIONS_JS)

    assert captions, "no table on the profile is wider than a phone"
    for caption in captions:
        assert caption["right"] <= PHONE["width"], caption
        assert abs(caption["leftScrolled"] - caption["left"]) < 1, caption
