from django.contrib import admin, messages
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from athletes.admin import URL_FIELDS
from revisions.admin import ArchiveAdmin, ArchiveInline

from .admin_views import event_paste_view
from .editions import copy_events_to_next_edition
from .forms import ResultForm, ResultInlineFormSet
from .models import Barrier, Championship, Claim, Competition, Discipline, Event, Result


@admin.register(Discipline)
class DisciplineAdmin(ArchiveAdmin):
    list_display = ["name", "code", "venue", "measure", "distance_m", "is_walk", "position"]
    list_filter = ["venue", "measure", "is_walk"]
    list_editable = ["position"]
    search_fields = ["name", "code"]


class EditionInline(ArchiveInline, admin.TabularInline):
    model = Competition
    extra = 0
    fields = ["year", "name", "city", "country", "start_date", "end_date"]
    autocomplete_fields = ["country"]
    ordering = ["-year"]
    show_change_link = True
    # An edition takes its events and results with it: it is deleted from its own page,
    # where the confirmation lists every row that goes too.
    can_delete = False
    verbose_name = _("edition")
    verbose_name_plural = _("editions")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country")


@admin.register(Championship)
class ChampionshipAdmin(ArchiveAdmin):
    list_display = ["name", "level", "awards_medals", "position"]
    list_filter = ["level", "awards_medals"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EditionInline]
    history_children = [(Competition, "championship")]


class EventInline(ArchiveInline, admin.TabularInline):
    model = Event
    formfield_overrides = URL_FIELDS
    extra = 1
    fields = ["discipline", "sex", "round", "date", "video_url"]
    show_change_link = True
    # An event takes its results with it: deleted from its own page, after a confirmation.
    can_delete = False


@admin.register(Competition)
class CompetitionAdmin(ArchiveAdmin):
    list_display = ["name", "year", "city", "country", "championship", "start_date"]
    list_filter = ["championship", "year"]
    list_select_related = ["country", "championship"]
    search_fields = ["name", "city", "slug"]
    autocomplete_fields = ["country", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [EventInline]
    history_children = [(Event, "competition")]
    actions = ["copy_events_to_next_edition"]

    @admin.action(
        description=_("Copy the event list to the next edition"),
        permissions=["add_event"],
    )
    def copy_events_to_next_edition(self, request, queryset):
        for competition in queryset.select_related("championship"):
            next_edition, copied = copy_events_to_next_edition(competition)
            if next_edition is None:
                self.message_user(
                    request,
                    _("%(competition)s has no later edition to copy its events to.")
                    % {"competition": competition},
                    messages.WARNING,
                )
                continue
            if copied:
                self.log_change(
                    request,
                    next_edition,
                    [
                        {"added": {"name": str(Event._meta.verbose_name), "object": str(e)}}
                        for e in copied
                    ],
                )
            self.message_user(
                request,
                ngettext(
                    "Copied %(count)d event from %(source)s to %(target)s.",
                    "Copied %(count)d events from %(source)s to %(target)s.",
                    len(copied),
                )
                % {"count": len(copied), "source": competition, "target": next_edition},
                messages.SUCCESS,
            )

    def has_add_event_permission(self, request):
        return request.user.has_perm("results.add_event")


class ResultInline(ArchiveInline, admin.TabularInline):
    model = Result
    form = ResultForm
    formset = ResultInlineFormSet
    extra = 3
    # The form's fields, less those the event's page already gives or that need more room.
    fields = [name for name in ResultForm.Meta.fields if name not in {"event", "sources"}]
    autocomplete_fields = ["athlete", "country"]
    ordering = ["place"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("athlete", "country", "event__discipline")
        )


@admin.register(Event)
class EventAdmin(ArchiveAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["competition", "discipline", "sex", "round", "date"]
    list_filter = ["sex", "round", "discipline", "competition__championship"]
    list_select_related = ["competition", "discipline"]
    search_fields = ["competition__name", "discipline__name", "discipline__code"]
    autocomplete_fields = ["competition", "discipline"]
    inlines = [ResultInline]
    history_children = [(Result, "event")]

    def get_urls(self):
        paste = path(
            "<path:object_id>/paste/",
            self.admin_site.admin_view(self.paste_view),
            name="results_event_paste",
        )
        return [paste, *super().get_urls()]

    def paste_view(self, request, object_id):
        return event_paste_view(self, request, object_id)


@admin.register(Result)
class ResultAdmin(ArchiveAdmin):
    form = ResultForm
    list_display = ["athlete", "event", "place", "formatted_mark", "status", "country", "records"]
    list_filter = ["status", "event__sex", "event__discipline", "event__competition__championship"]
    list_select_related = [
        "athlete",
        "country",
        "event__discipline",
        "event__competition",
    ]
    search_fields = ["athlete__search_name", "athlete__slug", "event__competition__name"]
    autocomplete_fields = ["event", "athlete", "country", "sources"]

    @admin.display(description=_("mark"), ordering="mark")
    def formatted_mark(self, result):
        return result.mark_display


@admin.register(Barrier)
class BarrierAdmin(ArchiveAdmin):
    list_display = ["__str__", "discipline", "sex"]
    list_filter = ["sex", "discipline"]
    list_select_related = ["discipline"]
    # A claim picks its barrier by autocomplete, which searches these.
    search_fields = ["discipline__name", "discipline__code"]


@admin.register(Claim)
class ClaimAdmin(ArchiveAdmin):
    """
    A source's own summary of an athlete, kept to be checked against the results
    (`check_archive` lists the contradicted ones); it changes no figure of the archive.
    """

    list_display = ["athlete", "position", "quote", "subject", "count", "source"]
    list_display_links = ["athlete", "position"]
    list_filter = ["subject", "championship"]
    list_select_related = ["athlete", "source"]
    # Folded names find "perez" for Pérez; the plain ones find what is typed with accents.
    search_fields = [
        "athlete__search_name",
        "athlete__given_name",
        "athlete__family_name",
        "quote",
    ]
    autocomplete_fields = ["athlete", "source", "championship", "barrier"]
    fieldsets = [
        (None, {"fields": ["athlete", "position", "source", "quote"]}),
        (None, {"fields": ["subject", "championship", "medal", "barrier", "count"]}),
    ]
