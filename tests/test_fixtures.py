"""
A new athlete arrives as one JSON file with natural keys: it loads into any archive,
twice without change, and a broken file loads nothing.
"""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from athletes.models import Athlete, Country
from results.models import Competition, Event, Result

from .conftest import PEREZ_FIXTURE
from .factories import ResultFactory

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"athletes", "results"}
    }


def load(*fixtures):
    call_command("loaddata", *map(str, fixtures), verbosity=0)


def test_every_fixture_uses_natural_keys_only():
    for path in [
        *settings.FIXTURE_DIRS[0].glob("*.json"),
        *settings.ATHLETE_FIXTURES_DIR.glob("*.json"),
    ]:
        for entry in json.loads(path.read_text()):
            assert "pk" not in entry, f"{path.name}: {entry['model']} has a numeric pk"


def test_perez_loads_into_an_empty_archive_and_again_without_change(reference_data):
    load(PEREZ_FIXTURE)
    first = row_counts()
    load(PEREZ_FIXTURE)
    assert row_counts() == first
    assert first["athletes.Athlete"] == 16
    assert Result.objects.filter(athlete__slug="jefferson-perez").count() == 23


def test_perez_loads_beside_other_athletes_and_shares_their_rows(reference_data):
    others = ResultFactory.create_batch(5)
    before = row_counts()
    load(PEREZ_FIXTURE)
    load(PEREZ_FIXTURE)
    after = row_counts()
    assert after["athletes.Athlete"] == before["athletes.Athlete"] + 16
    assert all(Result.objects.filter(pk=result.pk).exists() for result in others)
    # A second fixture naming the same competition refers to the same row.
    assert Competition.objects.filter(slug="olympic-games-1996").count() == 1


def test_every_loaded_row_passes_full_validation(perez):
    for model in apps.get_models():
        if model._meta.app_label in {"athletes", "results"}:
            for row in model.objects.all():
                row.full_clean()


def broken_copy(tmp_path, change):
    entries = json.loads(PEREZ_FIXTURE.read_text())
    change(entries)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(entries, ensure_ascii=False))
    return path


def test_a_fixture_with_an_unknown_country_fails_clearly_and_changes_nothing(
    reference_data, tmp_path
):
    def unknown_country(entries):
        athlete = next(e for e in entries if e["model"] == "athletes.athlete")
        athlete["fields"]["country"] = ["XYZ"]

    before = row_counts()
    with pytest.raises(CommandError) as raised:
        load(broken_copy(tmp_path, unknown_country))
    assert "athletes.Athlete ('jefferson-perez',): country ['XYZ'] names no country" in str(
        raised.value
    )
    assert row_counts() == before


def test_a_fixture_with_a_malformed_mark_fails_clearly_and_changes_nothing(
    reference_data, tmp_path
):
    def malformed_mark(entries):
        result = next(e for e in entries if e["model"] == "results.result")
        result["fields"]["mark"] = "1 h 17'"

    before = row_counts()
    with pytest.raises(CommandError) as raised:
        load(broken_copy(tmp_path, malformed_mark))
    assert "“1 h 17'” value must be an integer" in str(raised.value)
    assert "1:17:21 is 4641000" in str(raised.value)
    assert row_counts() == before


def test_a_fixture_with_an_implausible_mark_fails_clearly_and_changes_nothing(
    reference_data, tmp_path
):
    def implausible_mark(entries):
        result = next(
            e for e in entries if e["model"] == "results.result" and "20KW" in e["fields"]["event"]
        )
        result["fields"]["mark"] = 1_041_000  # 17:21 for 20 km: a typo, not a record

    before = row_counts()
    with pytest.raises(CommandError) as raised:
        load(broken_copy(tmp_path, implausible_mark))
    assert "is invalid: mark:" in str(raised.value)
    assert "too fast for 20KW" in str(raised.value)
    assert row_counts() == before


def test_load_archive_loads_reference_data_and_every_athlete(db):
    call_command("load_archive", verbosity=0)
    assert Country.objects.filter(code="ECU").exists()
    assert Athlete.objects.filter(slug="jefferson-perez").exists()
    assert Event.objects.filter(competition__slug="olympic-games-1996").get().video_url
