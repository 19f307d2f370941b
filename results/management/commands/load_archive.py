"""Load the reference fixtures and every athlete's fixture, in one transaction."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the reference data (countries, disciplines, championships, barriers) and every "
        "fixture in fixtures/athletes/. Loading again changes nothing; a broken file loads nothing."
    )

    def handle(self, *args, **options):
        athlete_files = sorted(str(path) for path in settings.ATHLETE_FIXTURES_DIR.glob("*.json"))
        with transaction.atomic():
            call_command(
                "loaddata",
                *settings.REFERENCE_FIXTURES,
                *athlete_files,
                verbosity=options["verbosity"],
            )
