"""
The natural keys the archive already holds, as a fixture author writes them: so that a new
file names the competition, event, athlete or source that is there instead of a near copy.
"""

import argparse
import json

from django.core.management.base import BaseCommand
from django.db.models import Q

from athletes.models import Athlete, Country, Source, fold
from results.models import Championship, Competition, Discipline, Event

# kind: (queryset, the fields a search looks in)
KINDS = {
    "athletes": (
        lambda: Athlete.objects.select_related("country").order_by("slug"),
        ["slug", "search_name"],
    ),
    "competitions": (lambda: Competition.objects.order_by("slug"), ["slug", "name", "city"]),
    "events": (
        lambda: Event.objects.select_related("competition", "discipline").order_by(
            "competition__slug", "discipline__code", "sex", "round"
        ),
        ["competition__slug", "competition__name", "discipline__code"],
    ),
    "sources": (lambda: Source.objects.order_by("slug"), ["slug", "title"]),
    "championships": (lambda: Championship.objects.order_by("slug"), ["slug", "name"]),
    "disciplines": (lambda: Discipline.objects.order_by("code"), ["code", "name"]),
    "countries": (lambda: Country.objects.order_by("code"), ["code", "name"]),
}


def positive_number(text):
    """A count of at least 1, as argparse reads an option."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return number


class Command(BaseCommand):
    help = (
        "List the natural keys the archive holds (athletes, competitions, events, sources, "
        "championships, disciplines, countries) as a fixture writes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--search", default="", help="Only keys whose name or slug has this.")
        parser.add_argument(
            "--limit",
            type=positive_number,
            default=500,
            help="At most this many keys (default 500).",
        )

    def handle(self, *args, kind, search="", limit=500, **options):
        queryset, fields = KINDS[kind]
        rows = queryset()
        if search:
            condition = Q()
            for name in fields:
                text = fold(search) if name == "search_name" else search
                condition |= Q(**{f"{name}__icontains": text})
            rows = rows.filter(condition)
        total = rows.count()
        if not total:
            self.stderr.write(
                f"No {kind} match “{search}”." if search else f"The archive holds no {kind}."
            )
        for row in rows[:limit]:
            key = json.dumps(list(row.natural_key()), ensure_ascii=False)
            self.stdout.write(f"{key}  {row}")
        if total > limit:
            self.stdout.write(f"… and {total - limit} more: narrow with --search or --limit.")
