"""
Admin pages that are not about one model: the archive check, for editors who do not run
`manage.py`. They live in the admin (staff only, the admin's look and links) because every
problem they list is fixed on an admin change page.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .checks import RULES, count_by_rule, find_problems
from .claims import contradicted_claims
from .models import Result
from .paste import (
    PastedRowFormSet,
    PasteForm,
    initial_rows,
    nation_codes,
    read_result_list,
    save_rows,
)


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


def event_paste_view(model_admin, request, object_id):
    """
    Paste a result list as a source prints it, check the preview, save every row in
    one transaction or none.
    """
    event = model_admin.get_object(request, unquote(object_id))
    if event is None:
        raise Http404(_("No event has this id."))
    if not request.user.has_perm("results.add_result"):
        raise PermissionDenied
    paste_form, formset = PasteForm(), None
    if request.method == "POST" and "preview" in request.POST:
        paste_form = PasteForm(request.POST)
        if paste_form.is_valid():
            rows, codes = read_result_list(paste_form.cleaned_data["lines"], event.sex)
            formset = PastedRowFormSet(initial=initial_rows(rows), event=event, codes=codes)
    elif request.method == "POST" and "save" in request.POST:
        formset = PastedRowFormSet(request.POST, event=event, codes=nation_codes())
        if formset.is_valid():
            try:
                created = save_rows(event, formset)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                for obj in created:
                    model_admin.log_addition(request, obj, [{"added": {}}])
                results = sum(1 for obj in created if isinstance(obj, Result))
                model_admin.message_user(
                    request,
                    ngettext(
                        "Saved %(count)d result from the pasted list.",
                        "Saved %(count)d results from the pasted list.",
                        results,
                    )
                    % {"count": results},
                    messages.SUCCESS,
                )
                return redirect("admin:results_event_change", event.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "event": event,
        "original": event,
        "paste_form": paste_form,
        "formset": formset,
        "title": _("Paste a result list"),
    }
    return TemplateResponse(request, "admin/results/event/paste.html", context)
