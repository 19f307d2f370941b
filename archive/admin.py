"""
The archive's admin site: its own name, an autocomplete that says who an athlete is, and an
index that shows the editor's recent changes and what `check_archive` finds.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _

from results.problems import open_problem_count
from revisions.models import Revision

# The kinds of row the autocomplete may be limited to by the page that asks: an event's
# results offer only athletes of the event's sex.
AUTOCOMPLETE_FILTERS = {"sex": {"M", "W"}}


class ArchiveAutocompleteJsonView(AutocompleteJsonView):
    def get_queryset(self):
        queryset = super().get_queryset()
        fields = {field.name for field in queryset.model._meta.fields}
        for name, allowed in AUTOCOMPLETE_FILTERS.items():
            value = self.request.GET.get(name)
            if name in fields and value in allowed:
                queryset = queryset.filter(**{name: value})
        return queryset

    def serialize_result(self, obj, to_field_name):
        label = obj.autocomplete_label if hasattr(obj, "autocomplete_label") else str(obj)
        return {"id": str(getattr(obj, to_field_name)), "text": label}


class ArchiveAdminSite(admin.AdminSite):
    site_header = _("Athletics archive")
    site_title = _("Athletics archive")
    index_title = _("Curate the archive")
    # The navigation sidebar costs a third of the width a long result list needs.
    enable_nav_sidebar = False

    def autocomplete_view(self, request):
        return ArchiveAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "my_revisions": Revision.objects.filter(user=request.user).select_related("undone_by")[
                :10
            ],
            "open_problems": open_problem_count(),
        }
        return super().index(request, extra_context)
