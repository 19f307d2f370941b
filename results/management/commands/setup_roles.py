from django.core.management.base import BaseCommand

from results.roles import ensure_editors_group


class Command(BaseCommand):
    help = (
        "Create or update the Editors group (every permission on the archive's models, none "
        "on users or groups). `migrate` does this too."
    )

    def handle(self, *args, **options):
        group = ensure_editors_group(using=options.get("database") or "default")
        self.stdout.write(f"{group.name}: {group.permissions.count()} permissions.")
