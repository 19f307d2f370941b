"""
The editors' queue of readers' corrections: open ones first, filtered by status and kind,
each linked to the page it is about. A report is read, never edited; an editor accepts it
(naming the change made) or declines it, from the list's actions or the buttons on its
page, after a confirmation page as the archive's other actions have.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from revisions.admin import SafeChangeList, valid_pk

from .forms import AcceptForm, DeclineForm
from .models import Correction
from .services import corrections_accept, corrections_decline

# How much of a report the queue shows; its page shows all of it.
SHOWN_CHARACTERS = 90


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = [
        "submitted_at",
        "status",
        "kind",
        "page_link",
        "short_report",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "kind"]
    list_select_related = [
        "athlete",
        "competition",
        "event__competition",
        "event__discipline",
        "decided_by",
    ]
    search_fields = ["about", "what_is_wrong", "source", "email", "editor_note"]
    date_hierarchy = "submitted_at"
    actions = ["accept_corrections", "decline_corrections"]
    change_form_template = "corrections/admin/change_form.html"
    fieldsets = [
        (
            _("The reader's report"),
            {"fields": ["kind", "page_link", "what_is_wrong", "source", "email", "submitted_at"]},
        ),
        (
            _("The decision"),
            {"fields": ["status", "decider", "decided_at", "change_made", "editor_note"]},
        ),
        (_("History"), {"fields": ["decision_history"]}),
    ]
    readonly_fields = [
        "kind",
        "page_link",
        "what_is_wrong",
        "source",
        "email",
        "submitted_at",
        "status",
        "decider",
        "decided_at",
        "change_made",
        "editor_note",
        "decision_history",
    ]

    # Reports come from readers only, and stay, declined or not, with their history.

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # A report is never edited; "change" is the permission to decide (the actions).
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related, "revision")

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_object(self, request, object_id, from_field=None):
        if valid_pk(Correction, object_id) is None:
            return None
        return super().get_object(request, object_id, from_field)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(valid_pk(Correction, value) is None for value in selected):
            self.message_user(
                request,
                _("The selection was not understood, so nothing was done: select again."),
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_urls(self):
        decide = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.decide_view),
                {"action": action},
                name=f"corrections_correction_{name}",
            )
            for name, action in [
                ("accept", "accept_corrections"),
                ("decline", "decline_corrections"),
            ]
        ]
        return [*decide, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": _("Readers' corrections, open ones first"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correction = self.get_object(request, unquote(object_id))
        can_decide = (
            correction is not None and correction.is_open and self.has_change_permission(request)
        )
        extra_context = {**(extra_context or {}), "can_decide": can_decide}
        return super().change_view(request, object_id, form_url, extra_context)

    # What the queue and a report's page show ---------------------------------------------

    @admin.display(description=_("page"), ordering="about")
    def page_link(self, correction):
        target = correction.target
        if target is None:
            return format_html("{} ({})", correction.about, _("no longer in the archive"))
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), correction.about)

    @admin.display(description=_("decided by"))
    def decider(self, correction):
        # A name, not a link: editors have no access to the accounts' pages.
        return correction.decided_by or "—"

    @admin.display(description=_("what is wrong"))
    def short_report(self, correction):
        return Truncator(correction.what_is_wrong).chars(SHOWN_CHARACTERS)

    @admin.display(description=_("change made"))
    def change_made(self, correction):
        links = []
        if correction.revision_id:
            url = reverse("admin:revisions_revision_change", args=[correction.revision_id])
            links.append((url, str(correction.revision)))
        if correction.change_url:
            links.append((correction.change_url, correction.change_url))
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', links) or "—"

    @admin.display(description=_("history"))
    def decision_history(self, correction):
        """Every state the report has been in, oldest first: who put it there, and when."""
        records = correction.history.select_related("history_user").order_by(
            "history_date", "history_id"
        )
        rows = [
            (
                date_format(localtime(record.history_date), "DATETIME_FORMAT"),
                Correction.Status(record.status).label,
                record.history_user or _("the reader"),
                record.editor_note,
            )
            for record in records
        ]
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}: {} ({}) {}</li>", rows),
        )

    # Deciding ------------------------------------------------------------------------------

    @admin.action(description=_("Accept the selected corrections…"), permissions=["change"])
    def accept_corrections(self, request, queryset):
        """Accept open reports, after a page where the editor links the change made."""
        return self._decide(
            request,
            queryset,
            action="accept_corrections",
            form_class=AcceptForm,
            decide=corrections_accept,
            title=_("Accept corrections"),
            confirm_label=_("Accept"),
            done=lambda count: ngettext(
                "%(count)d correction accepted.", "%(count)d corrections accepted.", count
            ),
        )

    @admin.action(description=_("Decline the selected corrections…"), permissions=["change"])
    def decline_corrections(self, request, queryset):
        """Decline open reports, after a page where the editor may say why."""
        return self._decide(
            request,
            queryset,
            action="decline_corrections",
            form_class=DeclineForm,
            decide=corrections_decline,
            title=_("Decline corrections"),
            confirm_label=_("Decline"),
            done=lambda count: ngettext(
                "%(count)d correction declined.", "%(count)d corrections declined.", count
            ),
        )

    def _decide(self, request, queryset, *, action, form_class, decide, title, confirm_label, done):
        chosen = list(queryset.select_related(*self.list_select_related))
        form = form_class(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                # The reports the confirmation page showed, all open then: the service
                # refuses them all if another editor has decided one since.
                decided = decide(corrections=chosen, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
                # Shown again as the reports now are.
                chosen = list(queryset.select_related(*self.list_select_related))
                if not any(correction.is_open for correction in chosen):
                    for line in error.messages:
                        self.message_user(request, line, messages.ERROR)
                    return None
            else:
                for correction in decided:
                    self.log_change(
                        request, correction, [{"changed": {"fields": ["status", "editor_note"]}}]
                    )
                self.message_user(
                    request, done(len(decided)) % {"count": len(decided)}, messages.SUCCESS
                )
                return None
        open_ones = [correction for correction in chosen if correction.is_open]
        if not open_ones:
            self.message_user(
                request,
                _("Only open corrections can be decided: choose open ones."),
                messages.WARNING,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "corrections": open_ones,
            "skipped": [correction for correction in chosen if not correction.is_open],
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "form_id": f"{action}-form",
            "action": action,
            "selected": [correction.pk for correction in open_ones],
            "confirm_label": confirm_label,
        }
        return TemplateResponse(request, "corrections/admin/decide.html", context)

    def decide_view(self, request, object_id, action):
        """The buttons on a report's page: the list's action, for that report alone."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        correction = self.get_object(request, unquote(object_id))
        if correction is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        queryset = self.get_queryset(request).filter(pk=correction.pk)
        response = getattr(self, action)(request, queryset)
        if response is None:
            return HttpResponseRedirect(
                reverse("admin:corrections_correction_change", args=[correction.pk])
            )
        return response
