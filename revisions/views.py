"""The page of one revision: what it changed, row by row, and the button that undoes it."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .history import describe, name_rows_together, records_of_revision
from .services import FilesGone, UndoRefused, revision_undo


def revision_detail(model_admin, request, object_id):
    revision = model_admin.get_object(request, unquote(object_id))
    if revision is None:
        return model_admin._get_obj_does_not_exist_redirect(
            request, model_admin.model._meta, object_id
        )
    if not model_admin.has_view_permission(request, revision):
        raise PermissionDenied
    can_undo = request.user.has_perm("revisions.change_revision")
    # Refused only for files purged since, an undo is offered again without them: the
    # button posts the files' names, and the undo is refused if they are no longer those.
    files_gone = []
    if request.method == "POST" and (
        "undo" in request.POST or "undo_without_files" in request.POST
    ):
        if not can_undo:
            raise PermissionDenied
        without = None
        if "undo_without_files" in request.POST:
            without = request.POST.getlist("without_file")
        try:
            undoing = revision_undo(
                revision_id=revision.pk, user=request.user, without_files=without
            )
        except FilesGone as refusal:
            for line in refusal.refusals:
                model_admin.message_user(request, line, messages.ERROR)
            files_gone = refusal.files
        except UndoRefused as refusal:
            model_admin.message_user(request, str(refusal), messages.ERROR)
            return redirect("admin:revisions_revision_change", revision.pk)
        else:
            if without is None:
                done = _("Undone: %(revision)s. This undo is itself a revision, and can be undone.")
            else:
                done = _(
                    "Undone without the files purged since: %(revision)s. This undo, described "
                    "below with what it left empty, is itself a revision, and can be undone."
                )
            model_admin.message_user(request, done % {"revision": revision}, messages.SUCCESS)
            if undoing is not None:
                return redirect("admin:revisions_revision_change", undoing.pk)
            return redirect("admin:revisions_revision_change", revision.pk)
    records = records_of_revision(revision)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": str(revision),
        "subtitle": None,
        "opts": model_admin.model._meta,
        "revision": revision,
        "changes": name_rows_together(
            [change for change in map(describe, records) if not change.is_empty]
        ),
        "can_undo": can_undo and revision.undone_by_id is None,
        "files_gone": files_gone,
    }
    return TemplateResponse(request, "admin/revisions/revision_detail.html", context)
