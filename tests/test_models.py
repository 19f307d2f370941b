"""The rules that must never break live in the database; the rest in clean()."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from results.models import Result

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory

pytestmark = pytest.mark.django_db


def test_an_athlete_cannot_have_two_results_in_one_event(reference_data):
    result = ResultFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(event=result.event, athlete=result.athlete)
    assert Result.objects.count() == 1


def test_place_zero_is_refused_by_the_database(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(place=0)
    assert Result.objects.count() == 0


def test_a_did_not_finish_has_no_place(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(status=Result.Status.DID_NOT_FINISH, place=5, mark=None)
    assert not Result.objects.exists()


def test_a_finished_result_needs_a_place_or_a_mark(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(place=None, mark=None)
    ResultFactory(place=None, mark=4_900_000)
    ResultFactory(place=4, mark=None)
    assert Result.objects.count() == 2


def test_a_did_not_finish_without_place_or_mark_is_valid(client, reference_data):
    result = ResultFactory(status=Result.Status.DID_NOT_FINISH, place=None, mark=None)
    result.full_clean()  # raises ValidationError for a row the admin would refuse
    # The event's page lists the athlete, in a row of the results table, as not finishing.
    page = client.get(result.event.get_absolute_url()).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, re.DOTALL)
    assert any(result.athlete.name in row and "DNF" in row for row in rows)


def test_clean_refuses_a_result_before_the_athletes_birth(reference_data):
    athlete = AthleteFactory(date_of_birth=datetime.date(1990, 1, 1))
    event = EventFactory(competition=CompetitionFactory(year=1985), date=datetime.date(1985, 6, 1))
    result = ResultFactory.build(event=event, athlete=athlete, country=athlete.country)
    with pytest.raises(ValidationError) as raised:
        result.full_clean()
    assert "before the athlete's birth" in str(raised.value)


def test_clean_refuses_an_implausible_mark(reference_data):
    result = ResultFactory.build(
        event=EventFactory(), athlete=AthleteFactory(), mark=17 * 60 * 1000, place=1
    )
    result.country = result.athlete.country
    with pytest.raises(ValidationError) as raised:
        result.full_clean()
    assert "mark" in raised.value.message_dict


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        (4_641_005, "it reads 1:17:21.005"),  # finer than the hundredth
        (0, "a mark is a positive number of milliseconds"),
    ],
)
def test_clean_refuses_a_stored_mark_the_admin_would_refuse(reference_data, mark, expected):
    result = ResultFactory.build(event=EventFactory(), athlete=AthleteFactory(), mark=mark, place=1)
    result.country = result.athlete.country
    with pytest.raises(ValidationError) as raised:
        result.full_clean()
    assert expected in raised.value.message_dict["mark"][0]


def test_clean_refuses_unknown_record_tags(reference_data):
    result = ResultFactory(records="WR XX")
    with pytest.raises(ValidationError) as raised:
        result.full_clean()
    assert "XX" in raised.value.message_dict["records"][0]


def test_record_tags_saved_in_another_order_are_kept_once_each_in_one_order(reference_data):
    result = ResultFactory(records="NR OR WR NR")
    result.refresh_from_db()
    assert result.records == "WR OR NR"


def test_the_migration_puts_stored_record_tags_in_one_order(reference_data):
    migration = importlib.import_module("results.migrations.0018_record_tags_in_one_order")
    typed = ResultFactory()
    # Written past the field, as the admin and a paste stored them before the order.
    Result.objects.filter(pk=typed.pk).update(records="OR WR WR")
    untagged = ResultFactory()

    migration.record_tags_in_one_order(apps, None)

    assert Result.objects.get(pk=typed.pk).records == "WR OR"
    assert Result.objects.get(pk=untagged.pk).records == ""


def test_a_world_record_since_beaten_is_shown_as_ex_wr(perez):
    paris = Result.objects.get(athlete=perez, event__competition__slug="world-championships-2003")
    assert paris.record_tags == ["WR"]
    assert paris.record_labels == ["ex-WR"]


def test_athlete_search_ignores_accents_and_case(perez):
    from athletes.models import Athlete

    assert list(Athlete.objects.search("PEREZ")) == [perez]
    assert list(Athlete.objects.search("jefferson pérez")) == [perez]
    assert not Athlete.objects.search("   ").exists()


@pytest.mark.parametrize(
    "biography",
    [
        "Born in Cuenca.\n\nOlympic champion.",
        "Born in Cuenca.\r\n\r\nOlympic champion.",  # as a browser sends a textarea
        "Born in Cuenca.\r\rOlympic champion.",
        "Born in Cuenca.\r\n  \r\nOlympic champion.\r\n",  # a blank line of spaces
    ],
)
def test_a_biography_keeps_its_paragraphs_whatever_the_line_endings(biography):
    from athletes.models import Athlete

    assert Athlete(biography=biography).biography_paragraphs == [
        "Born in Cuenca.",
        "Olympic champion.",
    ]


# Rows read quickly (`revisions.loading.QuickLoad`): an instance built from a row without
# `Model.__init__` must be the instance Django would build.


def test_a_row_read_quickly_is_the_instance_django_would_build(reference_data):
    ResultFactory(mark=4_900_000, wind="1.2")
    quick = Result.objects.select_related("event__competition", "athlete__country").get()
    # What Django's own `Model.from_db` builds: the model called with the row's values.
    built = Result(*[getattr(quick, field.attname) for field in Result._meta.concrete_fields])
    own = {name: value for name, value in quick.__dict__.items() if name != "_state"}
    assert own.pop("loaded_values") == {"athlete_id": quick.athlete_id, "event_id": quick.event_id}
    assert own == {name: value for name, value in built.__dict__.items() if name != "_state"}
    assert (quick._state.adding, quick._state.db) == (False, "default")
    # Its related rows came with it.
    assert quick.event.competition.name and quick.athlete.country.code


def test_a_row_read_quickly_saves_as_an_update(reference_data):
    ResultFactory(mark=4_900_000)
    result = Result.objects.get()
    version = result.version
    result.mark = 4_800_000
    result.save()
    assert Result.objects.count() == 1
    assert (Result.objects.get().mark, Result.objects.get().version) == (4_800_000, version + 1)


def test_a_row_read_in_part_or_watched_is_built_by_django(reference_data):
    from django.db.models.signals import post_init

    ResultFactory(mark=4_900_000, note="Photo finish")
    partial = Result.objects.only("mark").get()
    assert partial.get_deferred_fields() >= {"note"}
    assert partial.note == "Photo finish"  # read when asked for, as Django does
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Result)
    try:
        result = Result.objects.get()
    finally:
        post_init.disconnect(receiver, sender=Result)
    assert seen == [result]


def test_an_athlete_read_quickly_keeps_their_photo(reference_data):
    athlete = AthleteFactory(photo="athletes/perez.jpg")
    read = type(athlete).objects.get(pk=athlete.pk)
    assert read.photo.name == "athletes/perez.jpg"
    assert read.photo.instance is read
