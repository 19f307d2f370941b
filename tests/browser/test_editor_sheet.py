"""An editor's result sheet in a real browser, as an Editors-group user: a podium typed on the
entry screen of a men's 20 km walk with the sheet's source, then a pasted list with a near
match accepted and a new athlete, then the paste undone from the event's history."""

import pytest
from playwright.sync_api import expect

from athletes.models import Athlete, Country, Sex
from results.models import Result

from ..factories import AthleteFactory, CompetitionFactory, EventFactory, SourceFactory
from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As the sheet prints the podium: place, athlete (typed, then picked), nation, mark.
PODIUM = [
    (1, "Pérez", "Pérez, Jefferson · ECU", "Ecuador", "1 h 20' 07\"", 4_807_000),
    (2, "Segura", "Segura, Bernardo · MEX", "Mexico", "1 h 20' 23\"", 4_823_000),
    (3, "Garcia", "Garcia, Daniel · MEX", "Mexico", "1 h 20' 31\"", 4_831_000),
]
# A misspelt name of an archive's athlete, and a name nobody in the archive has.
PASTED = """4. Ilia Markov (RUS) 1:21:00
5. Nuevo Caminante (ECU) 1:22:00"""


@pytest.fixture
def walk_final(site):
    """A men's 20 km walk final with no results yet, and a woman the picker must not offer."""
    ecuador = Country.objects.get(code="ECU")
    competition = CompetitionFactory(
        name="Test Walking Cup Cuenca 1999", year=1999, city="Cuenca", country=ecuador
    )
    AthleteFactory(
        given_name="María",
        family_name="Pérez",
        slug="maria-perez",
        sex=Sex.WOMEN,
        country=Country.objects.get(code="ESP"),
    )
    return EventFactory(competition=competition, sex=Sex.MEN)


@pytest.fixture
def sheet():
    return SourceFactory(title="Official results, 20 km walk, Cuenca 1999")


def pick(page, field_id, typed, option):
    """Type part of a name in a select2 autocomplete, then pick the option that reads `option`."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(f".select2-search__field[aria-controls=select2-{field_id}-results]").fill(typed)
    choice = page.locator(f"#select2-{field_id}-results .select2-results__option", has_text=option)
    expect(choice).to_have_count(1)
    choice.click()


def assert_no_sideways_scroll(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width} > {inner_width}"


def shoot(page, screenshot_dir, name):
    """The page at 1280 px, then at 375 px, full length; the window is left at 1280 px."""
    for label, size in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_dir / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_editor_types_a_podium_pastes_the_rest_and_undoes_the_paste(
    editor_page, site, walk_final, sheet, screenshot_dir
):
    page = editor_page
    event = walk_final

    # 1. The podium, typed on the entry screen from the sheet.
    page.goto(f"{site}/admin/results/event/{event.pk}/change/")
    expect(page.locator("#results-0 .field-athlete .select2-container")).to_be_visible()
    assert_no_sideways_scroll(page)
    # The picker offers the event's sex only, each athlete with nation and birth year.
    page.locator("#id_results-0-athlete + .select2 .select2-selection").click()
    page.locator(".select2-search__field[aria-controls=select2-id_results-0-athlete-results]").fill(
        "Pérez"
    )
    options = page.locator("#select2-id_results-0-athlete-results .select2-results__option")
    expect(options).to_have_text(["Pérez, Jefferson · ECU · 1974"])
    assert_no_sideways_scroll(page)
    page.keyboard.press("Escape")
    for row, (place, typed, athlete, nation, mark, _stored) in enumerate(PODIUM):
        page.locator(f"#id_results-{row}-place").fill(str(place))
        pick(page, f"id_results-{row}-athlete", typed, athlete)
        pick(page, f"id_results-{row}-country", nation, nation)
        page.locator(f"#id_results-{row}-mark").fill(mark)
        assert_no_sideways_scroll(page)
    pick(page, "id_sheet_source", "Cuenca", sheet.title)
    assert_no_sideways_scroll(page)
    shoot(page, screenshot_dir, "sheet-entry-podium")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".errornote")).to_have_count(0)

    podium = list(event.results.select_related("athlete").order_by("place"))
    assert [(r.place, r.athlete.slug, r.country.code, r.mark) for r in podium] == [
        (1, "jefferson-perez", "ECU", 4_807_000),
        (2, "bernardo-segura", "MEX", 4_823_000),
        (3, "daniel-garcia", "MEX", 4_831_000),
    ]
    assert all(list(result.sources.all()) == [sheet] for result in podium)
    page.goto(site + event.get_absolute_url())
    table = page.locator("table.results tbody")
    expect(table.locator("tr")).to_have_count(3)
    expect(table.locator("tr").first).to_contain_text("Jefferson Pérez")
    expect(table.locator("tr").first).to_contain_text("1:20:07")
    expect(table.locator("tr").nth(2)).to_contain_text("1:20:31")
    expect(page.locator("#sources")).to_contain_text(sheet.title)

    # 2. The rest of the sheet, pasted: a near match to accept, a name that is nobody's.
    page.goto(f"{site}/admin/results/event/{event.pk}/change/")
    page.get_by_role("link", name="Paste a result list").click()
    # On a phone the sheet's box is as wide as the screen, not 80 columns (604 px).
    expect(page.get_by_label("Result list")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Result list").fill(PASTED)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#pasted-rows tbody tr")).to_have_count(2)
    markov = Athlete.objects.get(slug="ilya-markov")
    near_match = page.locator(f"#row-1 .near-matches input[type=radio][value='{markov.pk}']")
    expect(page.locator("#row-1 .near-matches")).to_contain_text("Markov, Ilya · RUS")
    # Offered, never chosen for the editor.
    expect(near_match).not_to_be_checked()
    expect(page.locator("#row-1 td.athlete select")).to_have_value("")
    expect(page.locator("#row-2 .badge.new-athlete")).to_be_visible()
    expect(page.locator("#row-2 .near-matches")).to_have_count(0)
    assert_no_sideways_scroll(page)
    shoot(page, screenshot_dir, "sheet-paste-preview")
    near_match.check()
    expect(near_match).to_be_checked()
    pick(page, "id_source", "Cuenca", sheet.title)
    page.get_by_role("button", name="Save all rows").click()
    expect(page.locator(".messagelist")).to_contain_text("Saved 2 results")

    fourth = event.results.get(place=4)
    fifth = event.results.select_related("athlete").get(place=5)
    assert fourth.athlete == markov and fourth.mark == 4_860_000
    newcomer = fifth.athlete
    assert (newcomer.given_name, newcomer.family_name) == ("Nuevo", "Caminante")
    assert (newcomer.sex, newcomer.country.code) == (Sex.MEN, "ECU")
    assert list(fifth.sources.all()) == [sheet]

    # 3. The paste undone from the event's history: the typed podium stays.
    page.get_by_role("link", name="History").click()
    paste = page.locator("section.archive-revision", has_text="Pasted a result list")
    expect(paste).to_have_count(1)
    paste.get_by_role("button", name="Undo this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("Undone")

    assert list(event.results.order_by("place").values_list("place", "athlete__slug")) == [
        (1, "jefferson-perez"),
        (2, "bernardo-segura"),
        (3, "daniel-garcia"),
    ]
    assert not Athlete.objects.filter(pk=newcomer.pk).exists()
    assert Athlete.objects.filter(pk=markov.pk).exists()
    assert not Result.objects.filter(athlete=newcomer.pk).exists()
    assert all(list(result.sources.all()) == [sheet] for result in event.results.all())
    page.goto(f"{site}/admin/results/event/{event.pk}/history/")
    expect(paste.locator("text=Undone by")).to_be_visible()
    assert_no_sideways_scroll(page)
    shoot(page, screenshot_dir, "sheet-history-after-undo")
