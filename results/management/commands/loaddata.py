"""
`loaddata` for the archive: fixture files merged into what the archive holds, never blanked.

Django's own command overwrites stored rows with whatever a file says and skips validation;
this one loads through `results.fixtures.load_fixtures()` (see its docstring for the rules):
every file of one call is read first, references are resolved across all of them, every
object is validated, and any problem stops the load with a message naming file, object and
field, having written nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from results.fixtures import FixtureError, find_fixture, load_fixtures


class Command(BaseCommand):
    help = (
        "Load natural-key JSON fixtures into the archive, merging with what it holds: an empty "
        "value keeps the stored one, a different value is a conflict that stops the load "
        "(unless --update), and a broken file loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixture_labels",
            nargs="+",
            metavar="fixture",
            help="Fixture files, or names in FIXTURE_DIRS (countries, disciplines…).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Let the files win over the archive where they differ (a newer source). "
            "Citations they list then replace the stored ones.",
        )

    def handle(self, *labels, fixture_labels=(), update=False, verbosity=1, **options):
        try:
            paths = [find_fixture(label) for label in fixture_labels or labels]
            count = load_fixtures(paths, update=update)
        except FixtureError as error:
            raise CommandError(
                "The load was refused and nothing was written:\n" + str(error)
            ) from None
        if verbosity:
            self.stdout.write(f"Loaded {count} object(s) from {len(paths)} file(s).")
