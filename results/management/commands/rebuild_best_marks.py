"""Rebuild the best-mark table from the results (after writes that sent no signals)."""

from django.core.management.base import BaseCommand

from results.bestmarks import rebuild
from results.models import BestMark


class Command(BaseCommand):
    help = "Rebuild each athlete's best legal mark per discipline from the results."

    def handle(self, *args, **options):
        rebuild()
        self.stdout.write(f"{BestMark.objects.count():,} best marks.")
