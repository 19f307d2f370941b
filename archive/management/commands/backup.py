from django.core.management.base import BaseCommand, CommandError

from archive.backups import BackupError, take_snapshot


class Command(BaseCommand):
    help = (
        "Write a consistent, timestamped snapshot of the database (SQLite's online backup, or "
        "pg_dump) and of the media files, while editors keep writing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", help="Where snapshots go (default: BACKUP_DIR, var/backups)."
        )

    def handle(self, *args, output_dir=None, **options):
        try:
            snapshot = take_snapshot(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(snapshot))
