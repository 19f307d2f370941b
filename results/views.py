from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from athletes.models import Sex, Source

from .filters import AllTimeFilter, CompetitionFilter, MedalFilter
from .models import Championship, Competition, Discipline, Event, ListedMark
from .standings.events import championship_winners, competition_podiums, event_results
from .standings.lists import best_mark_progression, marks_kept_apart, performances, performers
from .standings.medals import medal_results, medals_by_athlete, medals_by_nation

COMPETITIONS_PER_PAGE = 50
LIST_LENGTH = 100
MEDAL_TABLE_LENGTH = 50
EDITIONS_PER_PAGE = 10


def paginate(request, queryset, per_page):
    """One page of `queryset`; a junk or out-of-range page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class FilteredListView(FilterView):
    """
    A filtered, paginated list. An invalid filter (an unknown nation) shows the form's
    error over an empty list; a junk or out-of-range page number gives the nearest page.
    """

    strict = True

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = context["page_obj"]
        return context


class CompetitionList(FilteredListView):
    queryset = Competition.objects.select_related("country", "championship")
    filterset_class = CompetitionFilter
    paginate_by = COMPETITIONS_PER_PAGE
    template_name = "results/competition_list.html"
    extra_context = {"title": _("Competitions")}


def competition_detail(request, slug):
    competition = get_object_or_404(
        Competition.objects.select_related("country", "championship").prefetch_related("sources"),
        slug=slug,
    )
    medal_table = None
    if competition.championship and competition.championship.awards_medals:
        medal_table = medals_by_nation(medal_results().filter(competition=competition))
    return render(
        request,
        "results/competition_detail.html",
        {
            "competition": competition,
            "events": competition_podiums(competition),
            "medal_table": medal_table,
        },
    )


def event_detail(request, slug, code, sex, round):
    event = get_object_or_404(
        Event.objects.select_related(
            "competition__country", "competition__championship", "discipline"
        ),
        competition__slug=slug,
        discipline__code=code,
        sex=sex.upper(),
        round=round,
    )
    return render(
        request,
        "results/event_detail.html",
        {
            "event": event,
            "rows": event_results(event),
            "sources": Source.objects.filter(results__event=event).distinct().order_by("title"),
        },
    )


def championship_list(request):
    championships = Championship.objects.annotate(edition_count=Count("editions"))
    return render(
        request,
        "results/championship_list.html",
        {"championships": championships, "title": _("Championships")},
    )


def championship_detail(request, slug):
    championship = get_object_or_404(Championship, slug=slug)
    medals = medal_results().filter(championship=championship)
    editions = paginate(
        request,
        championship.editions.select_related("country").order_by("-year", "-start_date"),
        EDITIONS_PER_PAGE,
    )
    return render(
        request,
        "results/championship_detail.html",
        {
            "championship": championship,
            "page": editions,
            "winners": championship_winners(championship, editions.object_list),
            "nation_table": medals_by_nation(medals, limit=MEDAL_TABLE_LENGTH),
            "athlete_table": medals_by_athlete(medals, limit=MEDAL_TABLE_LENGTH),
        },
    )


def discipline_list(request):
    disciplines = Discipline.objects.order_by("venue", "position", "code")
    groups = {}
    for discipline in disciplines:
        groups.setdefault(discipline.get_venue_display(), []).append(discipline)
    return render(
        request, "results/discipline_list.html", {"groups": groups, "title": _("All-time lists")}
    )


def discipline_detail(request, code):
    """A discipline's all-time list (a season's, filtered to one year) of legal marks."""
    discipline = get_object_or_404(Discipline, code=code)
    all_time_filter = AllTimeFilter(request.GET, queryset=ListedMark.objects.all())
    context = {"discipline": discipline, "filter": all_time_filter, "page": None}
    if all_time_filter.is_valid():
        form = all_time_filter.form
        sex = form.cleaned_data["sex"] or Sex.MEN
        kind = form.cleaned_data["list"] or "performers"
        include = form.included()
        rows = all_time_filter.qs if all_time_filter.narrowed else None
        ranked = (performers if kind == "performers" else performances)(
            discipline, sex, rows, include
        )
        context.update(
            sex=sex,
            sex_label=Sex(sex).label,
            kind=kind,
            page=paginate(request, ranked, LIST_LENGTH),
            progression=best_mark_progression(discipline, sex, rows, include),
            kept_apart=marks_kept_apart(discipline, sex, rows, include),
        )
    return render(request, "results/discipline_detail.html", context)


class MedalTableView(FilterView):
    """Medals by nation and by athlete, over the medals the filter keeps."""

    filterset_class = MedalFilter
    template_name = "results/medal_table.html"
    extra_context = {"title": _("Medal tables")}

    def get_queryset(self):
        return medal_results()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # No query string is the whole archive; an invalid one shows the form's errors.
        if not self.filterset.is_bound or self.filterset.is_valid():
            medals = self.filterset.qs
            context["nation_table"] = medals_by_nation(medals, limit=MEDAL_TABLE_LENGTH)
            context["athlete_table"] = medals_by_athlete(medals, limit=MEDAL_TABLE_LENGTH)
        return context
