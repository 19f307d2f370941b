from functools import partial
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from athletes.admin import URL_FIELDS
from athletes.models import Athlete
from revisions.admin import ArchiveAdmin, ArchiveInline, SafeAutocompleteSelect, valid_pk
from revisions.tokens import run_if_unchanged, scope_token

from .admin_views import event_paste_view
from .bestmarks import deferred
from .editions import copy_events_to_next_edition, copy_plan, copy_scopes
from .forms import EventForm, ResultForm, ResultInlineFormSet
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
        """
        Give each selected edition's next edition its events, after a page that shows what
        is copied to which edition. The page carries a token of both editions and their
        events as shown: if another editor changed any of them meanwhile, nothing is copied
        and the page is shown anew.
        """
        competitions = list(queryset.select_related("championship").order_by("year", "pk"))
        plans = [copy_plan(competition) for competition in competitions]
        scopes = copy_scopes(plans)
        changed_since = []
        if "confirm" in request.POST:
            copies = []

            def copy():
                for competition in competitions:
                    copies.append((competition, *copy_events_to_next_edition(competition)))
                self._log_copies(request, copies)

            try:
                changed_since = run_if_unchanged(request.POST.get("token"), scopes, copy)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            if not changed_since:
                self._report_copies(request, copies)
                return None
            # Shown again as the editions now are, with what changed since.
            plans = [copy_plan(competition) for competition in competitions]
            scopes = copy_scopes(plans)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Copy the event list to the next edition"),
            "plans": plans,
            "changed_since": changed_since,
            "token": scope_token(scopes),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "form_id": "copy-form",
            "action": "copy_events_to_next_edition",
            "selected": [plan.source.pk for plan in plans],
            # Nothing to confirm when every next edition already has the events.
            "confirm_label": _("Copy") if any(plan.events for plan in plans) else "",
        }
        return TemplateResponse(request, "admin/results/competition/copy_events.html", context)

    def _log_copies(self, request, copies):
        for _competition, target, copied in copies:
            if copied:
                self.log_change(
                    request,
                    target,
                    [
                        {"added": {"name": str(Event._meta.verbose_name), "object": str(e)}}
                        for e in copied
                    ],
                )

    def _report_copies(self, request, copies):
        for competition, target, copied in copies:
            if target is None:
                self.message_user(
                    request,
                    _("%(competition)s has no later edition to copy its events to.")
                    % {"competition": competition},
                    messages.WARNING,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "Copied %(count)d event from %(source)s to %(target)s.",
                    "Copied %(count)d events from %(source)s to %(target)s.",
                    len(copied),
                )
                % {"count": len(copied), "source": competition, "target": target},
                messages.SUCCESS,
            )

    def has_add_event_permission(self, request):
        return request.user.has_perm("results.add_event")


def autocomplete_label(obj):
    """How a picker names a row: as the autocomplete's list does (`ArchiveAutocompleteJsonView`)."""
    return getattr(obj, "autocomplete_label", None) or str(obj)


class ChosenAutocompleteSelect(SafeAutocompleteSelect):
    """
    An autocomplete that names its chosen option from `chosen`, the row its form has already
    read (`ResultForm` hands it the athlete and nation of its result), where Django's widget
    runs a query per picker and row: a thousand on a sheet of 500 results.
    """

    chosen = None

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        wanted = {str(item) for item in value if valid_pk(model, item) is not None}
        chosen = self.chosen
        if chosen is None or wanted != {str(chosen.pk)}:
            # Another choice than the stored one (a form sent back with an error).
            chosen = self.choices.queryset.using(self.db).filter(pk__in=wanted).first()
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        if chosen is not None:
            label = autocomplete_label(chosen)
            options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class RowPickerLinks(RelatedFieldWidgetWrapper):
    """
    The links beside a picker in a results row: only "+", whose pop-up opens with `initial`
    filled in (the event's sex for a new athlete; static/js/results_entry.js adds the row's
    nation). A pencil, an eye and a bin on every row would cost the sheet a third of its
    width, and deleting an athlete is never what an editor means in a results table.
    """

    def __init__(self, wrapper, can_add_related, initial=None):
        super().__init__(
            wrapper.widget, wrapper.rel, wrapper.admin_site, can_add_related=can_add_related
        )
        self.initial = initial or {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.initial:
            context["url_params"] += "&" + urlencode(self.initial)
        return context


class ResultInline(ArchiveInline, admin.TabularInline):
    """
    An event's results as an editor types them from a sheet: one compact line each, wind and
    hand timing only where the discipline has them (static/css/admin.css sets the widths).
    """

    model = Result
    form = ResultForm
    formset = ResultInlineFormSet
    extra = 3
    # The form's fields, less those the event's page already gives: the event, and the
    # sources (one for the whole sheet, on the event's form).
    fields = [name for name in ResultForm.Meta.fields if name not in {"event", "sources"}]
    autocomplete_fields = ["athlete", "country"]
    template = "admin/results/event/results_table.html"

    class Media:
        js = ["js/results_entry.js"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        discipline = obj.discipline if obj is not None and obj.discipline_id else None
        if discipline is None:
            return fields
        hidden = set()
        if not discipline.wind_measured:
            hidden.add("wind")
        if not discipline.is_sprint:
            hidden.add("hand_timed")
        return [name for name in fields if name not in hidden]

    def get_queryset(self, request):
        # Each row's event is the page's own (ResultForm shares it), so only what a row names
        # is joined: its athlete, with the nation the picker shows, and its nation. The
        # formset orders the rows as a sheet does (ResultQuerySet.in_sheet_order).
        return super().get_queryset(request).select_related("athlete__country", "country")

    def get_formset(self, request, obj=None, **kwargs):
        sex = obj.sex if obj is not None else ""
        kwargs["formfield_callback"] = partial(self.formfield_for_row, request=request, sex=sex)
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_row(self, db_field, request, sex="", **kwargs):
        if db_field.name not in {"athlete", "country"}:
            return self.formfield_for_dbfield(db_field, request, **kwargs)
        picker = ChosenAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        initial = {}
        if db_field.name == "athlete" and sex:
            # A women's race offers women only (archive.admin.ArchiveAutocompleteJsonView).
            picker.url_parameters = {"sex": sex}
            initial["sex"] = sex
        formfield = self.formfield_for_dbfield(db_field, request, widget=picker, **kwargs)
        # Only athletes get a "+": a new nation is no business of a results table.
        can_add = db_field.name == "athlete" and formfield.widget.can_add_related
        formfield.widget = RowPickerLinks(formfield.widget, can_add, initial)
        return formfield


@admin.register(Event)
class EventAdmin(ArchiveAdmin):
    form = EventForm
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

    def save_related(self, request, form, formsets, change):
        # A sheet of hundreds of results refreshes the derived tables once, in the admin's
        # transaction, rather than at each row.
        with deferred():
            super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        source = form.cleaned_data.get("sheet_source")
        if source is None or formset.model is not Result:
            return
        # Every row typed or changed in this save comes from the sheet the editor named.
        saved = [*formset.new_objects, *(result for result, _fields in formset.changed_objects)]
        for result in saved:
            result.sources.add(source)


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
    # The competition by its name here; the athlete as search finds them (get_search_results).
    search_fields = ["event__competition__name"]
    autocomplete_fields = ["event", "athlete", "country", "sources"]

    def get_search_results(self, request, queryset, search_term):
        # An athlete's name as editors type it ("Pérez", "mueller") against the words search
        # reads, accents and capitals ignored: not a LIKE over the folded name, which missed
        # "Pérez" as typed.
        by_competition, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return by_competition, duplicates
        athletes = Athlete.objects.search(search_term).values("pk")
        return by_competition | queryset.filter(athlete__in=athletes), duplicates

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
