"""
Write one athlete's corner of the archive as a fixture that rebuilds their public page.

An archive grows by fixtures (see DESIGN.md, "Fixtures"): this command turns what editors
curated in the admin back into such a file, so that it can be reviewed, versioned and loaded
into another archive. Loading the file after the reference fixtures (countries, disciplines,
championships, barriers) into an empty archive gives the same profile page: the athlete, their
aliases and highlights, every competition and event they took part in, every result of those
events (podiums and rivals need the others' results), the athletes of those results and every
source these rows cite. Reference data is left out: it has its own fixtures, loaded first.

Natural keys only, objects in dependency order and, within a model, sorted by natural key:
the file loads into an archive that already holds other athletes, loads twice without
change, and two exports of the same data are byte-identical, so a diff shows real changes.
"""

import json
from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch, Q

from athletes.models import Alias, Athlete, Highlight, Source
from results.models import Claim, Competition, Event, Result

# Columns a pre_save signal recomputes from others (folded names for search and order, the
# version that every save moves on for the admin's conflict checks): a fixture that
# carried them would only repeat, or contradict, what loading computes anyway. The serializer's
# `fields` option selects field names across all models, so the names are dropped everywhere.
DERIVED_FIELDS = {"search_name", "sort_name", "version"}

# In the order a loader needs them: whatever a row refers to comes before it.
EXPORTED_MODELS = [Source, Athlete, Alias, Highlight, Competition, Event, Result, Claim]


def sources_by_slug():
    """Cited sources in a fixed order, so that an object's list of sources is deterministic."""
    return Prefetch("sources", queryset=Source.objects.order_by("slug"))


def by_natural_key(objects):
    """Sorted in Python rather than SQL, so the order does not depend on a backend's collation."""
    return sorted(objects, key=lambda obj: obj.natural_key())


def athlete_objects(athlete):
    """
    Every row the athlete's page needs, in dependency order, in a fixed number of queries:
    each queryset loads what the serializer's natural_key() calls touch on related objects.
    """
    events = by_natural_key(
        Event.objects.filter(results__athlete=athlete).select_related("competition", "discipline")
    )
    competitions = by_natural_key(
        Competition.objects.filter(events__results__athlete=athlete)
        .distinct()
        .select_related("championship", "country")
        .prefetch_related(sources_by_slug())
    )
    results = by_natural_key(
        Result.objects.filter(event__results__athlete=athlete)
        .select_related("event__competition", "event__discipline", "athlete", "country")
        .prefetch_related(sources_by_slug())
    )
    athletes = by_natural_key(
        Athlete.objects.filter(Q(pk=athlete.pk) | Q(results__event__results__athlete=athlete))
        .distinct()
        .select_related("country")
        .prefetch_related(sources_by_slug())
    )
    aliases = by_natural_key(Alias.objects.filter(athlete=athlete).select_related("athlete"))
    highlights = by_natural_key(
        Highlight.objects.filter(athlete=athlete).select_related("athlete", "source")
    )

    claims = by_natural_key(
        Claim.objects.filter(athlete=athlete).select_related(
            "athlete", "source", "championship", "barrier__discipline"
        )
    )

    cited = {}
    for obj in [*athletes, *competitions, *results]:
        cited.update((source.pk, source) for source in obj.sources.all())
    cited.update((h.source.pk, h.source) for h in highlights if h.source is not None)
    cited.update((claim.source.pk, claim.source) for claim in claims)
    sources = by_natural_key(cited.values())

    return [
        *sources,
        *athletes,
        *aliases,
        *highlights,
        *competitions,
        *events,
        *results,
        *claims,
    ]


def exported_field_names():
    """Every field of the exported models but the derived ones (see DERIVED_FIELDS)."""
    names = set()
    for model in EXPORTED_MODELS:
        names.update(field.name for field in model._meta.local_fields)
        names.update(field.name for field in model._meta.local_many_to_many)
    return sorted(names - DERIVED_FIELDS)


def export_athlete(slug, marks="integer"):
    """
    The fixture text for the athlete with `slug`; CommandError if there is none. Marks are
    written as integers in the discipline's unit, or with `marks="text"` as a statistician
    writes them ("1:17:21"), which the loader reads back to the same integers.
    """
    try:
        athlete = Athlete.objects.get(slug=slug)
    except Athlete.DoesNotExist:
        raise CommandError(f"No athlete with slug {slug!r}.") from None
    objects = athlete_objects(athlete)
    text = serializers.serialize(
        "json",
        objects,
        fields=exported_field_names(),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        indent=2,
        ensure_ascii=False,
    )
    if marks == "integer":
        return text
    entries = json.loads(text)
    for obj, entry in zip(objects, entries, strict=True):
        if isinstance(obj, Result) and obj.mark is not None:
            entry["fields"]["mark"] = obj.mark_display
    return json.dumps(entries, indent=2, ensure_ascii=False)


class Command(BaseCommand):
    help = (
        "Export an athlete as a natural-key JSON fixture: the athlete, their aliases and "
        "highlights, their competitions and events, every result of those events, the other "
        "athletes of those results and the sources cited. Reference data is not included."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The athlete's slug, e.g. jefferson-perez.")
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Write the fixture to FILE (UTF-8) instead of standard output.",
        )
        parser.add_argument(
            "--marks",
            choices=["integer", "text"],
            default="integer",
            help="Write marks as integers in the discipline's unit (the default) or as text "
            "the way sources print them (1:17:21).",
        )

    def handle(self, *args, slug, output=None, marks="integer", **options):
        text = export_athlete(slug, marks=marks)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8", newline="\n")
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        else:
            self.stdout.write(text, ending="")
