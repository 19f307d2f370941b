"""
The editors' tools that act on several rows at once (a merge, a copy to the next edition)
act on what their confirmation page showed, or not at all: a row changed meanwhile refuses
the action, names the change and leaves everything as it was.
"""

import pytest

from athletes.models import Athlete
from results.models import Competition, Event

from .factories import AthleteFactory, ResultFactory
from .helpers import (
    action_page,
    changelist_url,
    confirmation_form,
    editor_session,
    row_counts,
    save_change,
)

pytestmark = pytest.mark.django_db


def confirmation(client, action, selected, form_id, **fields):
    """The action's list, and what its confirmation page submits when confirmed."""
    page = action_page(client, action, *selected)
    assert page.status_code == 200
    return changelist_url(type(selected[0])), confirmation_form(page, form_id, **fields)


def refusal(response):
    """The lines the refused action's page shows."""
    assert response.status_code == 200, "the page is shown again"
    return response.context["changed_since"]


def assert_refused_after_bens_change(client, url, data, obj, **change):
    """
    Ben, another editor, saves `change` to `obj`; the action confirmed as `data` then is
    refused, naming Ben and the field he changed, and writes nothing.
    """
    assert save_change(editor_session("ben"), obj, **change).status_code == 302
    [field] = change
    before = row_counts()

    lines = refusal(client.post(url, data))

    assert "Since this page was shown, others changed" in lines[0]
    assert any("ben" in line and field in line for line in lines[1:])
    assert row_counts() == before


# Merge --------------------------------------------------------------------------------------


@pytest.fixture
def twin(perez):
    """A second record of Jefferson Pérez, with one result of its own."""
    twin = AthleteFactory(given_name="Jeferson", family_name="Perez", country=perez.country)
    # In his career: a factory's year could fall before his birth.
    ResultFactory(
        athlete=twin,
        country=perez.country,
        place=2,
        mark=4_750_000,
        event__competition__year=2001,
    )
    return twin


def merge_page(client, perez, twin):
    return confirmation(client, "merge_athletes", [perez, twin], "merge-form", keep=str(perez.pk))


def test_a_merge_confirmed_as_shown_merges(ana, perez, twin):
    url, data = merge_page(ana, perez, twin)

    assert ana.post(url, data).status_code == 302

    assert not Athlete.objects.filter(pk=twin.pk).exists()
    assert perez.results.count() == 24


def test_a_merge_is_refused_when_a_result_changed_since_its_page(ana, perez, twin):
    url, data = merge_page(ana, perez, twin)
    result = perez.results.order_by("pk").first()

    assert_refused_after_bens_change(ana, url, data, result, note="Photo finish.")

    assert Athlete.objects.filter(pk=twin.pk).exists()


def test_a_merge_refused_as_stale_can_be_confirmed_from_the_page_shown_again(ana, perez, twin):
    url, data = merge_page(ana, perez, twin)
    ResultFactory(athlete=twin, country=perez.country, place=3, event__competition__year=2002)
    again = ana.post(url, data)
    assert refusal(again)

    response = ana.post(url, confirmation_form(again, "merge-form"))

    assert response.status_code == 302
    assert not Athlete.objects.filter(pk=twin.pk).exists()


def test_a_merge_with_a_tampered_token_is_refused(ana, perez, twin):
    url, data = merge_page(ana, perez, twin)

    lines = refusal(ana.post(url, {**data, "token": "abc"}))

    assert "out of date or was altered" in lines[0]
    assert Athlete.objects.filter(pk=twin.pk).exists()


# Copy to the next edition -------------------------------------------------------------------


@pytest.fixture
def athens(perez):
    return Competition.objects.get(slug="olympic-games-2004")


def beijing_events():
    return Event.objects.filter(competition__slug="olympic-games-2008")


def copy_page(client, *competitions):
    return confirmation(client, "copy_events_to_next_edition", competitions, "copy-form")


def test_the_copy_page_says_what_goes_to_which_edition_and_copies_nothing(ana, athens):
    page = action_page(ana, "copy_events_to_next_edition", athens)

    text = page.content.decode()
    assert "From Olympic Games Athens 2004 to Olympic Games Beijing 2008" in text
    assert "50 km race walk" in text
    assert not beijing_events().filter(discipline__code="50KW").exists()


def test_a_copy_confirmed_as_shown_copies(ana, athens):
    url, data = copy_page(ana, athens)

    assert ana.post(url, data).status_code == 302

    assert set(beijing_events().values_list("discipline__code", flat=True)) == {"20KW", "50KW"}


def test_a_copy_is_refused_when_the_next_edition_changed_since_its_page(ana, athens):
    url, data = copy_page(ana, athens)
    beijing = Competition.objects.get(slug="olympic-games-2008")

    assert_refused_after_bens_change(ana, url, data, beijing, city="Peking")


def test_a_copy_is_refused_when_an_event_was_added_since_its_page(ana, athens):
    url, data = copy_page(ana, athens)
    event = beijing_events().first()
    Event.objects.create(
        competition=event.competition, discipline=event.discipline, sex="M", round="heat"
    )
    before = row_counts()

    assert refusal(ana.post(url, data))

    assert row_counts() == before


def test_a_copy_without_a_next_edition_offers_nothing_to_confirm(ana, perez):
    latest = Competition.objects.filter(championship__isnull=False).order_by("-year").first()
    page = action_page(ana, "copy_events_to_next_edition", latest)

    assert "has no later edition" in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
