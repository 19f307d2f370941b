from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .forms import ResultForm
from .models import Barrier, Championship, Competition, Discipline, Event, Result


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "venue", "measure", "distance_m", "is_walk", "position"]
    list_filter = ["venue", "measure", "is_walk"]
    list_editable = ["position"]
    search_fields = ["name", "code"]


@admin.register(Championship)
class ChampionshipAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "awards_medals", "position"]
    list_filter = ["level", "awards_medals"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class EventInline(admin.TabularInline):
    model = Event
    extra = 1
    fields = ["discipline", "sex", "round", "date", "video_url"]
    show_change_link = True


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "city", "country", "championship", "start_date"]
    list_filter = ["championship", "year"]
    list_select_related = ["country", "championship"]
    search_fields = ["name", "city", "slug"]
    autocomplete_fields = ["country", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [EventInline]


class ResultInlineFormSet(BaseInlineFormSet):
    """Hands each row the event being edited, so a mark is read for its discipline."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "event": self.instance}


class ResultInline(admin.TabularInline):
    model = Result
    form = ResultForm
    formset = ResultInlineFormSet
    extra = 3
    fields = [
        "place",
        "athlete",
        "country",
        "mark",
        "status",
        "hand_timed",
        "wind",
        "records",
        "note",
    ]
    autocomplete_fields = ["athlete", "country"]
    ordering = ["place"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("athlete", "country", "event__discipline")
        )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["competition", "discipline", "sex", "round", "date"]
    list_filter = ["sex", "round", "discipline", "competition__championship"]
    list_select_related = ["competition", "discipline"]
    search_fields = ["competition__name", "discipline__name", "discipline__code"]
    autocomplete_fields = ["competition", "discipline"]
    inlines = [ResultInline]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
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
class BarrierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "discipline", "sex"]
    list_filter = ["sex", "discipline"]
    list_select_related = ["discipline"]
