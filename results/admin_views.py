"""
Admin pages that are not about one model: the archive check, for editors who do not run
`manage.py`. They live in the admin (staff only, the admin's look and links) because every
problem they list is fixed on an admin change page.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .checks import RULES, count_by_rule, find_problems
from .claims import contradicted_claims


def _check_archive(request):
    """
    Every problem `manage.py check_archive` reports, as a table of links to fix them, and
    the sources' claims that the results contradict.
    """
    problems = find_problems()
    context = {
        **admin.site.each_context(request),
        "title": _("Check the archive"),
        "problems": problems,
        "counts": [(RULES[rule], count) for rule, count in count_by_rule(problems).items()],
        "contradicted_claims": contradicted_claims(),
    }
    return TemplateResponse(request, "admin/check_archive.html", context)


# admin_view() lets only active staff in (others go to the admin login) and never caches.
check_archive_view = admin.site.admin_view(_check_archive)
