"""
Re-check the whole archive: what `loaddata`, bulk imports and raw SQL wrote without
validation, and the rules that span several rows (see `results.checks`).

One line per problem, with the admin page that fixes it, so the output can be read by an
editor or grepped in CI; the exit status is 1 when anything is wrong, so a CI job or a
cron mail fails loudly.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from results.checks import RULES, count_by_rule, find_problems


class Command(BaseCommand):
    help = (
        "Check every athlete and result against the archive's rules (clean(), places, medals, "
        "world records, birth and retirement dates, duplicate athletes). Exits with status 1 "
        "when a problem is found."
    )

    def handle(self, *args, **options):
        problems = find_problems()
        if not problems:
            self.stdout.write(self.style.SUCCESS(_("No problems found.")))
            return
        for problem in problems:
            self.stdout.write(f"{problem.rule}: {problem.message} {problem.admin_url}".rstrip())
        by_rule = ", ".join(
            f"{RULES[rule]}: {count}" for rule, count in count_by_rule(problems).items()
        )
        summary = ngettext(
            "%(count)d problem found (%(rules)s).",
            "%(count)d problems found (%(rules)s).",
            len(problems),
        ) % {"count": len(problems), "rules": by_rule}
        raise CommandError(summary, returncode=1)
