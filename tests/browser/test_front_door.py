"""
A reader's first visit, in English and in Spanish: the home page leading with the written
profiles, the head-to-head page reached from a profile's rivals, and a correction sent from a
profile; each looked at on a desktop and a phone (screenshots in test-artifacts/).
"""

import pytest
from playwright.sync_api import expect

from corrections.models import Correction

from .conftest import DESKTOP, NAVIGATION_TIMEOUT_MS, PHONE, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each language calls what the reader clicks and reads.
WORDS = {
    "en": {
        "profiles": "Athletes with full profiles",
        "highlight": "Olympic Games 1996: gold",
        "head to head": "head to head with Francisco Javier Fernández",
        "suggest": "Suggest a correction",
        "what": "What is wrong?",
        "source": "Source",
        "send": "Send to the editors",
        "thanks": "Thank you",
    },
    "es": {
        "profiles": "Atletas con perfil completo",
        "highlight": "Juegos Olímpicos 1996: oro",
        "head to head": "cara a cara con Francisco Javier Fernández",
        "suggest": "Sugerir una corrección",
        "what": "¿Qué está mal?",
        "source": "Fuente",
        "send": "Enviar a los editores",
        "thanks": "Gracias",
    },
}


@pytest.fixture(params=["en", "es"])
def reader(request, browser, site):
    """A page in a browser whose language is English or Spanish."""
    context = new_context(browser, locale=request.param)
    page = context.new_page()
    page.language = request.param
    yield page
    context.close()


def look_at(page, screenshot_dir, name):
    """Screenshots at 1280 and 375 px; on a phone the page scrolls only down."""
    page.screenshot(path=screenshot_dir / f"{name}-{page.language}-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshot_dir / f"{name}-{page.language}-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)


def test_the_home_page_leads_with_perez_and_his_highlight(reader, site, screenshot_dir):
    words = WORDS[reader.language]
    reader.goto(site + "/")
    expect(reader.locator("html")).to_have_attribute("lang", reader.language)
    profiles = reader.get_by_role("region", name=words["profiles"])
    first = profiles.locator(".profile-card").first
    expect(first).to_contain_text("Jefferson Pérez")
    expect(first).to_contain_text(words["highlight"])
    look_at(reader, screenshot_dir, "home")
    first.get_by_role("link", name="Jefferson Pérez").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Jefferson Pérez")


def test_the_head_to_head_is_reached_from_the_rivals_table(reader, site, screenshot_dir):
    words = WORDS[reader.language]
    reader.goto(site + "/athletes/jefferson-perez/")
    # The page it opens gets a navigation's time, as every page load here does, not a
    # click's 10 s: a CI run on a loaded machine timed out waiting for it.
    with reader.expect_navigation(timeout=NAVIGATION_TIMEOUT_MS):
        reader.get_by_role("link", name=words["head to head"]).click(no_wait_after=True)
    expect(reader).to_have_url(
        site + "/athletes/jefferson-perez/versus/francisco-javier-fernandez/"
    )
    expect(reader.locator("main")).to_contain_text("3 – 1")
    look_at(reader, screenshot_dir, "head-to-head")


def test_a_reader_suggests_a_correction_from_a_profile(reader, site, screenshot_dir):
    words = WORDS[reader.language]
    reader.goto(site + "/athletes/jefferson-perez/")
    reader.get_by_role("link", name=words["suggest"]).click()
    reader.get_by_label(words["what"]).fill("His 1996 winning time was 1:20:07, not 1:20:08.")
    reader.get_by_label(words["source"]).fill("Official report of the Atlanta 1996 Games")
    look_at(reader, screenshot_dir, "correction-form")
    reader.get_by_role("button", name=words["send"]).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(words["thanks"])
    correction = Correction.objects.get()
    assert correction.athlete.slug == "jefferson-perez"
    assert correction.source == "Official report of the Atlanta 1996 Games"


def test_the_switcher_turns_the_site_spanish(page, site, screenshot_dir):
    page.goto(site + "/athletes/jefferson-perez/")
    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(site + "/athletes/jefferson-perez/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Sugerir una corrección")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
