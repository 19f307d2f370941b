"""Every page's link, written by `athletes.links.link`, is the one `reverse()` writes."""

import pytest
from django.urls import reverse, set_script_prefix

from athletes.models import Athlete, Country
from results.models import Championship, Competition, Discipline, Event

pytestmark = pytest.mark.django_db


def reversed_url(instance):
    """The page's URL as Django's own `reverse()` writes it."""
    if isinstance(instance, Event):
        args = [
            instance.competition.slug,
            instance.discipline.code,
            instance.sex.lower(),
            instance.round,
        ]
        return reverse("results:event", args=args)
    name, key = {
        Athlete: ("athletes:detail", "slug"),
        Country: ("athletes:country", "code"),
        Discipline: ("results:discipline", "code"),
        Championship: ("results:championship", "slug"),
        Competition: ("results:competition", "slug"),
    }[type(instance)]
    return reverse(name, args=[getattr(instance, key)])


@pytest.mark.parametrize(
    "model",
    [Athlete, Country, Discipline, Championship, Competition, Event],
    ids=lambda model: model.__name__,
)
def test_every_page_links_where_reverse_does(perez, model):
    instances = list(model.objects.all())
    assert instances
    for instance in instances:
        assert instance.get_absolute_url() == reversed_url(instance)


def test_a_link_under_a_script_prefix_keeps_it(perez):
    athlete = Athlete.objects.get(slug="jefferson-perez")
    set_script_prefix("/archive/")
    try:
        assert athlete.get_absolute_url() == "/archive/athletes/jefferson-perez/"
        assert athlete.get_absolute_url() == reversed_url(athlete)
    finally:
        set_script_prefix("/")


def test_an_event_round_with_spaces_is_quoted_as_reverse_quotes_it(perez):
    event = Event.objects.select_related("competition", "discipline").first()
    event.round = "semi-final 2 (b)"
    assert event.get_absolute_url() == reversed_url(event)
    assert "semi-final%202%20(b)" in event.get_absolute_url()
