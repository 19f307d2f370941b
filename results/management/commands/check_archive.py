"""
Re-check the whole archive: what `loaddata`, bulk imports and raw SQL wrote without
validation, and the rules that span several rows (see `results.problems`).

One line per problem, with the admin page that fixes it, so the output can be read by an
editor or grepped in CI; the exit status is 1 when anything is wrong, so a CI job or a
cron mail fails loudly.

The sources' claims that the results contradict follow in a section of their own (see
`results.claims`). They never fail the check: a source may miscount, or the archive may
not hold every result yet, so an editor weighs each one.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from results.claims import contradicted_claims
from results.problems import RULES, count_by_rule, find_problems


class Command(BaseCommand):
    help = (
        "Check every athlete and result against the archive's rules (clean(), places, result "
        "lists, medals, world records, birth and retirement dates, duplicate athletes) and list "
        "the sources' claims that the results contradict. Exits with status 1 when a problem is "
        "found; contradicted claims alone do not fail the check."
    )

    def handle(self, *args, **options):
        problems = find_problems()
        claims = contradicted_claims()
        if problems:
            for problem in problems:
                self.stdout.write(f"{problem.rule}: {problem.message} {problem.admin_url}".rstrip())
        else:
            self.stdout.write(self.style.SUCCESS(_("No problems found.")))
        if claims:
            self.stdout.write("")
            self.stdout.write(self.style.WARNING(_("Sources contradicted by the results:")))
            for contradiction in claims:
                self.stdout.write(
                    f"claim: {contradiction.message} {contradiction.admin_url}".rstrip()
                )
            self.stdout.write(
                ngettext(
                    "%(count)d claim contradicted by the results (not a problem: check the "
                    "source and the results).",
                    "%(count)d claims contradicted by the results (not problems: check the "
                    "sources and the results).",
                    len(claims),
                )
                % {"count": len(claims)}
            )
        if not problems:
            return
        by_rule = ", ".join(
            f"{RULES[rule]}: {count}" for rule, count in count_by_rule(problems).items()
        )
        summary = ngettext(
            "%(count)d problem found (%(rules)s).",
            "%(count)d problems found (%(rules)s).",
            len(problems),
        ) % {"count": len(problems), "rules": by_rule}
        raise CommandError(summary, returncode=1)
