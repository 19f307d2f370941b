"""An editor's afternoon in the real admin: a new athlete with a photo, a new competition
and its event, a pasted result list, and the public profile that shows the outcome."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = """1. Anna Kowalczyk (PL) 1 h 27' 05"
2  Maria SANTOS  POR  1:27:40
3 Li Wen (CHN) 1:28:02
4. Rosa Lopez (MEX) 1:29:15
DNF Eva Berg (N)"""


def choose_autocomplete(page, field_id, text):
    """Pick `text` in one of the admin's select2 autocomplete widgets."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(f".select2-search__field[aria-controls=select2-{field_id}-results]").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_enters_a_race_by_pasting_and_the_public_profile_shows_the_medal(
    editor_page, site, tmp_path, screenshot_dir
):
    page = editor_page
    photo = tmp_path / "kowalczyk.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (30, 90, 160)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    # A new athlete, with a photo.
    page.goto(site + "/admin/athletes/athlete/add/")
    page.get_by_label("Given name").fill("Anna")
    page.get_by_label("Family name").fill("Kowalczyk")
    page.get_by_label("Family name").press("Tab")
    expect(page.get_by_label("Slug")).to_have_value("anna-kowalczyk")
    page.get_by_label("Sex").select_option("W")
    choose_autocomplete(page, "id_country", "Poland")
    page.get_by_label("Date of birth").fill("1990-05-04")
    page.locator("#id_photo").set_input_files(str(photo))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # A new competition with its women's 20 km walk.
    page.goto(site + "/admin/results/competition/add/")
    page.get_by_label("Name").fill("Test Walking Games 2015")
    page.get_by_label("Name").press("Tab")
    expect(page.get_by_label("Slug")).to_have_value("test-walking-games-2015")
    page.get_by_label("Year").fill("2015")
    page.get_by_label("City").fill("Gdańsk")
    choose_autocomplete(page, "id_country", "Poland")
    page.locator("#id_championship").select_option(label="World Race Walking Cup")
    page.locator("#id_events-0-discipline").select_option(label="20 km race walk")
    page.locator("#id_events-0-sex").select_option("W")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The event's page, then the pasted result list.
    page.locator("#events-0 a.inlinechangelink").click()
    page.get_by_role("link", name="Paste a result list").click()
    page.get_by_label("Result list").fill(PASTED)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#pasted-rows tbody tr")).to_have_count(5)
    expect(page.locator("#row-1 td.athlete")).to_contain_text("Kowalczyk, Anna · POL · 1990")
    page.screenshot(path=screenshot_dir / "admin-paste-preview.png", full_page=True)
    page.get_by_role("button", name="Save all rows").click()
    expect(page.locator(".messagelist")).to_contain_text("Saved 5 results")

    # What the public sees.
    page.goto(site + "/athletes/anna-kowalczyk/")
    expect(page.get_by_role("heading", name="Anna Kowalczyk", level=1)).to_be_visible()
    expect(page.locator(".athlete-photo img")).to_have_attribute(
        "alt", "Portrait of Anna Kowalczyk"
    )
    expect(page.locator("#medals table")).to_contain_text("World Race Walking Cup")
    expect(page.locator(".medal-summary")).to_contain_text("1 gold")
    podium = page.locator("#podiums .podium").first
    expect(podium).to_contain_text("Anna Kowalczyk")
    expect(podium).to_contain_text("Maria Santos")
    expect(podium).to_contain_text("1:27:05")
    page.screenshot(path=screenshot_dir / "editor-new-profile.png", full_page=True)
