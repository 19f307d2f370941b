from django.core.exceptions import BadRequest
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from athletes.models import Sex
from revisions.paging import page_asked
from revisions.statements import prepared

from . import downloads
from .filters import AllTimeFilter, CompetitionFilter, MedalFilter
from .models import Championship, Competition, Discipline, Event, ListedMark
from .pagination import TableCountPaginator
from .standings import events
from .standings.events import (
    championship_winners,
    competition_podiums,
    event_results,
    event_results_page,
)
from .standings.lists import best_mark_progression, marks_kept_apart
from .standings.medals import medal_results, medals_by_athlete, medals_by_nation

COMPETITIONS_PER_PAGE = 50
LIST_LENGTH = 100
# A list's download holds the rows of its first hundred pages: 10,000 marks.
LIST_DOWNLOAD_LENGTH = LIST_LENGTH * 100
# A medal table's download holds the whole table the page shows the top of, as far as a
# list's file goes.
MEDAL_DOWNLOAD_LENGTH = LIST_DOWNLOAD_LENGTH
MEDAL_TABLE_LENGTH = 50
EDITIONS_PER_PAGE = 10

# What an all-time list holds, as its file's title says.
ALL_TIME_TITLES = {
    "performers": _("%(discipline)s, %(sex)s: best mark of each performer"),
    "performances": _("%(discipline)s, %(sex)s: every performance"),
}


def paginate(request, queryset, per_page):
    """
    One page of `queryset`; a junk or out-of-range page number gives the nearest page: the
    first for junk, zero or a negative number (`page_asked`), the last for one past the end.
    """
    return TableCountPaginator(queryset, per_page).get_page(page_asked(request.GET.get("page")))


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


@downloads.builds_files
def competition_detail(request, slug):
    competition = get_object_or_404(
        Competition.objects.select_related("country", "championship").prefetch_related("sources"),
        slug=slug,
    )
    medal_table = None
    if competition.championship and competition.championship.awards_medals:
        medals = medal_results().filter(competition=competition)
        medal_table = medals_by_nation(medals)
        # The page's one table; a page without one ignores `format`.
        if download := downloads.requested(request):
            return downloads.medal_file(
                request,
                download,
                "nations",
                medal_table,
                medals,
                title=_("%(competition)s: medals by nation") % {"competition": competition.name},
                name=f"{competition.slug}-medals",
            )
    return render(
        request,
        "results/competition_detail.html",
        {
            "competition": competition,
            "events": competition_podiums(competition),
            "medal_table": medal_table,
        },
    )


@downloads.builds_files
def event_detail(request, slug, code, sex, round):
    # An event by its keys, its results and their sources: each read by an index whatever
    # the values, so planned once per connection (PostgreSQL planned the event's five
    # tables in 1 ms, eight times as long as it took to read them).
    with prepared():
        event = get_object_or_404(
            Event.objects.select_related(
                "competition__country", "competition__championship", "discipline"
            ),
            competition__slug=slug,
            discipline__code=code,
            sex=sex.upper(),
            round=round,
        )
    if download := downloads.requested(request):
        with prepared():
            rows = event_results(event)
        return downloads.event_file(request, download, event, rows)
    with prepared():
        page = event_results_page(event, request.GET.get("page"), events.RESULTS_PER_PAGE)
        sources = list(events.event_sources(event))
    return render(
        request,
        "results/event_detail.html",
        {"event": event, "page": page, "rows": page.object_list, "sources": sources},
    )


def championship_list(request):
    championships = Championship.objects.annotate(edition_count=Count("editions"))
    return render(
        request,
        "results/championship_list.html",
        {"championships": championships, "title": _("Championships")},
    )


@downloads.builds_files
def championship_detail(request, slug):
    championship = get_object_or_404(Championship, slug=slug)
    medals = medal_results().filter(championship=championship)
    if download := downloads.requested(request, tables=downloads.MEDAL_TABLES):
        return medal_table_file(
            request, download, medals, championship.label, f"{championship.slug}-medals", {}
        )
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
    # Looked up by value: get_venue_display() translated every label of the choices again
    # for each discipline, as long as the rest of the page took to render.
    venues = dict(Discipline.Venue.choices)
    groups = {}
    for discipline in disciplines:
        groups.setdefault(str(venues.get(discipline.venue, discipline.venue)), []).append(
            discipline
        )
    return render(
        request, "results/discipline_list.html", {"groups": groups, "title": _("All-time lists")}
    )


@downloads.builds_files
def discipline_detail(request, code):
    """A discipline's all-time list (a season's, filtered to one year) of legal marks."""
    discipline = get_object_or_404(Discipline, code=code)
    all_time_filter = AllTimeFilter(request.GET, queryset=ListedMark.objects.all())
    context = {"discipline": discipline, "filter": all_time_filter, "page": None}
    if all_time_filter.is_valid():
        drawn = all_time_filter.drawn(discipline)
        sex, kind = drawn.sex, drawn.kind
        if download := downloads.requested(request):
            cleaned = all_time_filter.form.cleaned_data
            return downloads.list_file(
                request,
                download,
                discipline,
                drawn.ranked,
                limit=LIST_DOWNLOAD_LENGTH,
                title=ALL_TIME_TITLES[kind]
                % {"discipline": discipline.label, "sex": Sex(sex).label},
                name=f"{discipline.code}-{sex}-{kind}",
                filters={**downloads.described(cleaned), "sex": sex, "list": kind},
            )
        years = all_time_filter.form.cleaned_data
        context.update(
            # A list of one year is that year's season list, and is titled so.
            season=years["year_from"]
            if years["year_from"] is not None and years["year_from"] == years["year_to"]
            else None,
            sex=sex,
            sex_label=Sex(sex).label,
            kind=kind,
            page=paginate(request, drawn.ranked, LIST_LENGTH),
            progression=best_mark_progression(discipline, sex, drawn.rows, drawn.include),
            kept_apart=marks_kept_apart(
                discipline, sex, drawn.rows, drawn.include, one_per_athlete=kind == "performers"
            ),
        )
    if downloads.requested(request):
        # A file of a list whose filter is wrong would be a wrong list: say so instead.
        raise BadRequest(all_time_filter.errors.as_text())
    return render(request, "results/discipline_detail.html", context)


def medal_table_file(request, download, medals, subject, name, filters):
    """The file of a page's medal table by nation or by athlete (`table=`), of `medals`."""
    # One row beyond the file's length: whether the table goes on.
    if download.table == "athletes":
        table = medals_by_athlete(medals, limit=MEDAL_DOWNLOAD_LENGTH + 1)
        title = _("%(subject)s: medals by athlete") % {"subject": subject}
    else:
        table = medals_by_nation(medals, limit=MEDAL_DOWNLOAD_LENGTH + 1)
        title = _("%(subject)s: medals by nation") % {"subject": subject}
    return downloads.medal_file(
        request,
        download,
        download.table,
        table,
        medals,
        title=title,
        name=f"{name}-by-{download.table}",
        filters=filters,
        limit=MEDAL_DOWNLOAD_LENGTH,
    )


class MedalTableView(FilterView):
    """Medals by nation and by athlete, over the medals the filter keeps."""

    filterset_class = MedalFilter
    template_name = "results/medal_table.html"
    extra_context = {"title": _("Medal tables")}

    def get_queryset(self):
        return medal_results()

    @method_decorator(downloads.builds_files)
    def get(self, request, *args, **kwargs):
        download = downloads.requested(request, tables=downloads.MEDAL_TABLES)
        if download is None:
            return super().get(request, *args, **kwargs)
        medal_filter = self.get_filterset(self.get_filterset_class())
        if not medal_filter.is_valid():
            raise BadRequest(medal_filter.errors.as_text())
        filters = downloads.described(medal_filter.form.cleaned_data)
        return medal_table_file(
            request, download, medal_filter.qs, _("The archive"), "medals", filters
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # No query string is the whole archive; an invalid one shows the form's errors.
        if not self.filterset.is_bound or self.filterset.is_valid():
            medals = self.filterset.qs
            context["filtered"] = self.filterset.is_bound and any(
                self.filterset.form.cleaned_data.values()
            )
            context["nation_table"] = medals_by_nation(medals, limit=MEDAL_TABLE_LENGTH)
            context["athlete_table"] = medals_by_athlete(medals, limit=MEDAL_TABLE_LENGTH)
        return context
