from django.core.management.base import BaseCommand, CommandError

from archive.backups import BackupError, restore_snapshot


class Command(BaseCommand):
    help = (
        "Replace the database (and the media files, when the snapshot has them) by a snapshot "
        "that `manage.py backup` wrote. Everything written since the snapshot is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("snapshot", help="The snapshot's folder, e.g. var/backups/2026…Z")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, snapshot, interactive=True, **options):
        if interactive:
            answer = input(
                f"Replace the archive by {snapshot}? Everything written since is lost. "
                "Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            manifest = restore_snapshot(snapshot)
        except BackupError as error:
            raise CommandError(str(error)) from None
        total = sum(manifest["rows"].values())
        self.stdout.write(f"Restored {snapshot}: {total} rows as of {manifest['taken_at']}.")
