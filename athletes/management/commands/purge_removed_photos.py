"""Delete the photos set aside under removed/ long enough ago (run it from cron)."""

from datetime import UTC

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from athletes.photos import purge_removed_photos


class Command(BaseCommand):
    help = (
        "Delete the replaced and deleted photos (and their thumbnails) set aside under "
        "removed/ more than PHOTO_REMOVED_DAYS days ago. An undo can no longer bring them "
        "back; a file a current athlete's photo uses is never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help="Delete what was set aside more than DAYS days ago (default: "
            "PHOTO_REMOVED_DAYS, 30).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, older_than=None, dry_run=False, **options):
        if older_than is None:
            older_than = settings.PHOTO_REMOVED_DAYS
        if older_than < 0:
            raise CommandError(f"--older-than must be 0 or more days, not {older_than}.")
        purged = purge_removed_photos(older_than=older_than, dry_run=dry_run)
        for name, set_aside in purged:
            self.stdout.write(f"{name}  set aside {set_aside.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        files = f"{len(purged)} file{'' if len(purged) == 1 else 's'}"
        when = f"set aside more than {older_than} day{'' if older_than == 1 else 's'} ago"
        if dry_run:
            self.stdout.write(f"Would delete {files} {when} (dry run).")
        else:
            self.stdout.write(f"Deleted {files} {when}.")
