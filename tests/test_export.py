"""
`export_athlete` turns an athlete's corner of the archive back into a fixture: loaded after
the reference fixtures into an empty archive it rebuilds the same profile page, loaded into
an archive that holds it already it changes nothing, and exporting the same data twice
gives the same bytes, so that exports can be diffed and versioned.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from athletes.models import Alias, Athlete, Highlight, Sex, Source
from results.models import Competition, Discipline, Result
from results.standings.athlete import athlete_profile

from .factories import AthleteFactory, CompetitionFactory, EventFactory, ResultFactory
from .helpers import (
    REFERENCE_MODELS,
    count_queries,
    delete_all_but_reference_data,
    export_athlete,
    load,
    row_counts,
)

pytestmark = pytest.mark.django_db

# What a loader needs first comes first.
DEPENDENCY_ORDER = [
    "athletes.source",
    "athletes.athlete",
    "athletes.alias",
    "athletes.highlight",
    "results.competition",
    "results.event",
    "results.result",
    "results.claim",
]


def profile_summary(slug):
    """What the athlete's public page shows, reduced to comparable values."""
    athlete = Athlete.objects.get(slug=slug)
    profile = athlete_profile(athlete)
    return {
        "results": len(profile.results),
        "medals": [
            (row.subject.slug, row.gold, row.silver, row.bronze) for row in profile.medals.rows
        ],
        "highlights": list(
            athlete.highlights.order_by("position").values_list("kind", "title", "text")
        ),
        "personal_bests": {
            venue: [
                (best.discipline.code, best.result.mark, best.result.event.competition.slug)
                for best in bests
            ]
            for venue, bests in profile.personal_bests.items()
        },
        # Sorted: the page orders podiums of one year whose events have no date by row id
        # (standings has no other tie-breaker), and row ids are not part of any export.
        "podiums": sorted(
            (own.event.natural_key(), [result.athlete.slug for result in podium])
            for own, podium in profile.podiums
        ),
        "rivals": [
            (rival.athlete.slug, rival.meetings, rival.ahead, rival.behind)
            for rival in profile.rivals
        ],
        "aliases": list(athlete.aliases.order_by("name").values_list("name", flat=True)),
        "sources": list(athlete.sources.order_by("slug").values_list("slug", flat=True)),
    }


def test_export_loaded_beside_the_reference_data_alone_rebuilds_the_same_profile(perez, tmp_path):
    # The shipped fixture has no alias: add one so that aliases make the round trip too.
    Alias.objects.create(athlete=perez, name="Jefferson Leonardo Pérez Quezada")
    before = profile_summary("jefferson-perez")
    first = export_athlete("jefferson-perez", tmp_path / "a.json")

    delete_all_but_reference_data()
    load(tmp_path / "a.json")
    second = export_athlete("jefferson-perez", tmp_path / "b.json")

    assert second == first
    after = profile_summary("jefferson-perez")
    assert after == before
    # The comparison above must not pass on an empty page.
    assert before["results"] > 0 and before["medals"] and before["highlights"]
    assert before["personal_bests"]["road"] and before["rivals"] and before["aliases"]


def test_export_has_natural_keys_only_and_no_reference_data(perez, tmp_path):
    objects = json.loads(export_athlete("jefferson-perez", tmp_path / "perez.json"))

    assert objects
    assert all(set(obj) == {"model", "fields"} for obj in objects), "an object has a pk"
    models = [obj["model"] for obj in objects]
    assert not set(models) & REFERENCE_MODELS
    assert set(models) <= set(DEPENDENCY_ORDER)
    assert models == sorted(models, key=DEPENDENCY_ORDER.index), "a dependency comes late"


def test_export_holds_what_the_page_needs_and_nothing_else(perez, tmp_path):
    atlanta = Competition.objects.get(slug="olympic-games-1996")
    markov = Athlete.objects.get(slug="ilya-markov")
    # Same Games, an event Pérez did not walk: not his page's business.
    walker = AthleteFactory(sex=Sex.WOMEN, slug="some-walker")
    ResultFactory(
        athlete=walker,
        event=EventFactory(
            competition=atlanta, discipline=Discipline.objects.get(code="10000W"), sex=Sex.WOMEN
        ),
    )
    # A rival's race without Pérez, and the rival's own page: not exported either.
    ResultFactory(athlete=markov, event__competition=CompetitionFactory(slug="markov-meeting"))
    Alias.objects.create(athlete=markov, name="Ilja Markow")
    Highlight.objects.create(athlete=markov, position=1, kind="story", text="Not Pérez's page.")

    objects = json.loads(export_athlete("jefferson-perez", tmp_path / "perez.json"))

    slugs = {obj["fields"].get("slug") for obj in objects}
    assert {"jefferson-perez", "ilya-markov", "olympic-games-1996"} <= slugs
    assert not {"some-walker", "markov-meeting"} & slugs
    models = {obj["model"] for obj in objects}
    assert "athletes.alias" not in models
    highlights = [obj["fields"] for obj in objects if obj["model"] == "athletes.highlight"]
    assert {tuple(fields["athlete"]) for fields in highlights} == {("jefferson-perez",)}
    # Every result of every event Pérez took part in, his rivals' included.
    exported_results = sum(obj["model"] == "results.result" for obj in objects)
    assert exported_results == Result.objects.filter(event__results__athlete=perez).count()
    assert exported_results > Result.objects.filter(athlete=perez).count()


def test_an_athlete_without_results_exports_alone(reference_data, tmp_path):
    AthleteFactory(slug="new-walker")

    objects = json.loads(export_athlete("new-walker", tmp_path / "new.json"))

    assert [(obj["model"], obj["fields"]["slug"]) for obj in objects] == [
        ("athletes.athlete", "new-walker")
    ]


def test_loading_the_export_into_an_archive_that_holds_it_changes_nothing(perez, tmp_path):
    first = export_athlete("jefferson-perez", tmp_path / "a.json")
    counts = row_counts()

    load(tmp_path / "a.json")

    assert row_counts() == counts
    assert export_athlete("jefferson-perez", tmp_path / "b.json") == first


def test_export_writes_to_standard_output_without_output_option(perez, tmp_path):
    out = StringIO()
    call_command("export_athlete", "jefferson-perez", stdout=out)

    assert out.getvalue().encode() == export_athlete("jefferson-perez", tmp_path / "perez.json")
    assert "Pérez" in out.getvalue(), "non-ASCII text should be written as is, not escaped"


def test_export_query_count_does_not_grow_with_results(perez, tmp_path):
    path = tmp_path / "perez.json"
    before = count_queries(export_athlete, "jefferson-perez", path)
    event = EventFactory(competition=CompetitionFactory(slug="extra-meeting"))
    ResultFactory(event=event, athlete=perez, place=1)
    for place in range(2, 8):
        result = ResultFactory(event=event, place=place)
        result.sources.add(Source.objects.create(slug=f"sheet-{place}", title=f"Sheet {place}"))

    assert count_queries(export_athlete, "jefferson-perez", path) == before


def test_unknown_slug_fails_with_a_clear_error(reference_data, tmp_path):
    output = tmp_path / "nobody.json"

    with pytest.raises(CommandError, match="No athlete with slug 'usain-volt'"):
        call_command("export_athlete", "usain-volt", output=str(output))

    assert not output.exists()
