"""
Admin pages that are not about one model: the archive check, for editors who do not run
`manage.py`. They live in the admin (staff only, the admin's look and links) because every
problem they list is fixed on an admin change page.
"""

from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from revisions.admin import cap_form_count
from revisions.tokens import scope_token

from .claims import contradicted_claims
from .models import Result
from .paste import (
    PastedRowFormSet,
    PastedSheetForm,
    PasteForm,
    StalePaste,
    nation_codes,
    paste_preview,
    paste_scopes,
    save_rows,
)
from .problems import RULES, count_by_rule, find_problems


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
    Paste a result list as a source prints it, check every row in the preview, save every
    row in one transaction or none, unless the event changed since the preview.
    """
    event = model_admin.get_object(request, unquote(object_id))
    if event is None:
        raise Http404(_("No event has this id."))
    if not request.user.has_perm("results.add_result"):
        raise PermissionDenied
    cap_form_count(request)
    site = model_admin.admin_site
    paste_form, sheet_form, formset = PasteForm(admin_site=site), None, None
    if request.method == "POST" and "preview" in request.POST:
        paste_form = PasteForm(request.POST, admin_site=site)
        if paste_form.is_valid():
            sheet_form, formset = paste_preview(
                event=event,
                text=paste_form.cleaned_data["lines"],
                source=paste_form.cleaned_data["source"],
                admin_site=site,
            )
    elif request.method == "POST" and "save" in request.POST:
        sheet_form = PastedSheetForm(request.POST, admin_site=site)
        formset = PastedRowFormSet(request.POST, event=event, codes=nation_codes(), admin_site=site)
        created = None
        if sheet_form.is_valid():
            try:
                created = save_rows(
                    event,
                    formset,
                    token=sheet_form.cleaned_data["token"],
                    source=sheet_form.cleaned_data["source"],
                )
            except StalePaste as stale:
                # The rows are checked again below against the event as it now is, and the
                # page vouches for that from now on.
                sheet_form.add_error(None, stale)
                sheet_form.renew(scope_token(paste_scopes(event)))
            except IntegrityError:
                sheet_form.add_error(
                    None,
                    _(
                        "Another editor saved results in this event at the same moment: "
                        "nothing was saved. Save again to check the rows against theirs."
                    ),
                )
                sheet_form.renew(scope_token(paste_scopes(event)))
        formset.is_valid()
        if created is not None:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=created,
                action_flag=ADDITION,
                change_message=[{"added": {}}],
            )
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
    media = (sheet_form or paste_form).media
    if formset is not None:
        media += formset.media
    context = {
        **site.each_context(request),
        "opts": model_admin.model._meta,
        "event": event,
        "original": event,
        "paste_form": paste_form,
        "sheet_form": sheet_form,
        "formset": formset,
        "tally": formset.tally() if formset is not None else None,
        "media": media,
        "title": _("Paste a result list"),
    }
    return TemplateResponse(request, "admin/results/event/paste.html", context)
