"""
The read-only JSON API, version 1: the archive's athletes, competitions, events, results,
disciplines, championships, medal tables and all-time lists, as the pages show them.

Each view reads through the same QuerySets, FilterSets and `results.standings` tables as the
page it mirrors, in a fixed number of queries whatever the archive holds. Every answer reads
the archive's version once (`results.caching.pinned_state`), which gives its ETag: a
conditional GET that still matches is answered 304 before anything else is read.
"""

from types import SimpleNamespace

from django.db.models import Count, F, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from athletes.models import NAME_ORDER, Athlete
from results.filters import AllTimeFilter, CompetitionFilter, CountedMarksForm, MedalFilter
from results.models import (
    BY_ATHLETE_NAME,
    Championship,
    Competition,
    Discipline,
    Event,
    ListedMark,
    Result,
)
from results.standings import events
from results.standings.athlete import SEASON_ORDER, athlete_results
from results.standings.bests import personal_bests
from results.standings.events import competition_podiums
from results.standings.medals import (
    athlete_medals_by_championship,
    medal_results,
    medals_by_athlete,
    medals_by_nation,
)
from results.views import MEDAL_TABLE_LENGTH

from . import serializers as api
from .conditional import VersionedAnswers
from .filters import AthleteFilter, ResultFilter
from .links import api_reverse
from .pagination import PageNumbers, page_link, requested_page
from .schema import PAGE_PARAMETER, PAGE_PARAMETERS, filter_parameters, form_parameters


def validated(form):
    """The form or FilterSet, once its values are valid; a 400 naming each bad value else."""
    if not form.is_valid():
        raise translate_validation(form.errors)
    return form


class ArchiveView(VersionedAnswers, generics.GenericAPIView):
    """A view of the API: read-only, throttled, tagged with the archive's version."""


# The API's index --------------------------------------------------------------------------------

ENDPOINTS = {
    "athletes": "athlete-list",
    "competitions": "competition-list",
    "results": "result-list",
    "disciplines": "discipline-list",
    "championships": "championship-list",
    "medals": "medals",
    "schema": "schema",
    "docs": "docs",
}


@extend_schema_view(
    get=extend_schema(
        responses=inline_serializer(
            "ApiIndex", {name: serializers.URLField() for name in ENDPOINTS}
        ),
        summary=_("Where each list of the API is"),
        operation_id="index",
        tags=["index"],
    )
)
class ApiIndex(ArchiveView):
    pagination_class = None

    def get(self, request):
        return Response({name: api_reverse(request, view) for name, view in ENDPOINTS.items()})


@extend_schema(exclude=True)
class ApiVersions(ArchiveView):
    """/api/: where each version of the API starts."""

    pagination_class = None

    def get(self, request):
        return Response({"v1": api_reverse(request, "index", version="v1")})


# Athletes ---------------------------------------------------------------------------------------


@extend_schema(summary=_("Athletes, by family name"))
class AthleteList(ArchiveView, generics.ListAPIView):
    queryset = Athlete.objects.select_related("country").order_by(*NAME_ORDER)
    serializer_class = api.AthleteSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AthleteFilter


@extend_schema(
    summary=_("An athlete, with every result, personal bests and medals"),
    parameters=form_parameters(CountedMarksForm),
)
class AthleteDetail(ArchiveView, generics.RetrieveAPIView):
    queryset = Athlete.objects.select_related("country").prefetch_related("aliases", "sources")
    serializer_class = api.AthleteDetailSerializer
    lookup_field = "slug"

    def retrieve(self, request, *args, **kwargs):
        counted = validated(CountedMarksForm(request.query_params))
        athlete = self.get_object()
        results = athlete_results(athlete)
        prefetch_related_objects(results, "sources")
        athlete.profile = SimpleNamespace(
            results=results,
            personal_bests=personal_bests(results, counted.included()),
            medals=athlete_medals_by_championship(results),
        )
        return Response(self.get_serializer(athlete).data)


# Competitions and events ------------------------------------------------------------------------


@extend_schema(summary=_("Competitions, newest first"))
class CompetitionList(ArchiveView, generics.ListAPIView):
    queryset = Competition.objects.select_related("country", "championship")
    serializer_class = api.CompetitionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CompetitionFilter


@extend_schema(summary=_("A competition, with each event's podium and its medal table"))
class CompetitionDetail(ArchiveView, generics.RetrieveAPIView):
    queryset = Competition.objects.select_related("country", "championship").prefetch_related(
        "sources"
    )
    serializer_class = api.CompetitionDetailSerializer
    lookup_field = "slug"

    def retrieve(self, request, *args, **kwargs):
        competition = self.get_object()
        competition.podium_events = []
        for event, podium in competition_podiums(competition):
            event.podium = podium
            competition.podium_events.append(event)
        prefetch_related_objects(
            [result for event in competition.podium_events for result in event.podium],
            "sources",
        )
        championship = competition.championship
        competition.medal_table = None
        if championship and championship.awards_medals:
            medals = medal_results().filter(competition=competition)
            competition.medal_table = medals_by_nation(medals).rows
        return Response(self.get_serializer(competition).data)


@extend_schema_view(
    get=extend_schema(
        summary=_("An event, with its result list in the order of the sheet"),
        description=format_lazy(
            _(
                "The results come {size} a page, which holds every result of any "
                "championship's field: only a mass race's runs to a second page, whose "
                "address is `next`. The sources are those of every result of the event."
            ),
            size=events.RESULTS_PER_PAGE,
        ),
        parameters=[PAGE_PARAMETER],
        operation_id="events_retrieve",
    )
)
class EventDetail(ArchiveView, generics.RetrieveAPIView):
    queryset = Event.objects.select_related(
        "competition__country", "competition__championship", "discipline"
    )
    serializer_class = api.EventDetailSerializer

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(),
            competition__slug=self.kwargs["slug"],
            discipline__code=self.kwargs["code"],
            sex=self.kwargs["sex"].upper(),
            round=self.kwargs["round"],
        )

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        size = events.RESULTS_PER_PAGE
        page = events.sheet_page(
            event, requested_page(request, lambda: events.last_page_number(event, size)), size
        )
        if page is None:
            raise NotFound(PageNumbers.invalid_page_message)
        event.sheet = page.object_list
        event.count = page.paginator.count
        event.next = page_link(request, page, page.number + 1)
        event.previous = page_link(request, page, page.number - 1)
        prefetch_related_objects([row.result for row in event.sheet], "sources")
        event.sheet_sources = events.event_sources(event)
        return Response(self.get_serializer(event).data)


# Results ----------------------------------------------------------------------------------------


# Newest seasons first, each season's races as a profile lists them, each race's results
# as its sheet does; a shared place by the athletes' names. Read from the data alone, so
# that two archives holding the same results (one exported and reloaded) answer alike.
RESULT_LIST_ORDER = (
    "-event__competition__year",
    *SEASON_ORDER,
    Result.status_as_listed(),
    F("place").asc(nulls_last=True),
    Discipline.best_mark_first(),
    *BY_ATHLETE_NAME,
)


@extend_schema(summary=_("Results, newest seasons first, each event's in place order"))
class ResultList(ArchiveView, generics.ListAPIView):
    queryset = (
        Result.objects.with_related().prefetch_related("sources").order_by(*RESULT_LIST_ORDER)
    )
    serializer_class = api.ResultWithEventSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResultFilter


# Disciplines and their lists --------------------------------------------------------------------


@extend_schema(summary=_("Disciplines, road first, in list order"))
class DisciplineList(ArchiveView, generics.ListAPIView):
    queryset = Discipline.objects.order_by("venue", "position", "code")
    serializer_class = api.DisciplineSerializer


@extend_schema(summary=_("A discipline"))
class DisciplineDetail(ArchiveView, generics.RetrieveAPIView):
    queryset = Discipline.objects.all()
    serializer_class = api.DisciplineSerializer
    lookup_field = "code"


@extend_schema_view(
    get=extend_schema(
        summary=_("A discipline's all-time list, or a season's (one year), of legal marks"),
        description=_(
            "Performers (each athlete's best mark) or performances (every mark), best first, "
            "ties sharing a rank; for men unless `sex` says otherwise. Legal marks only, unless "
            "`include` counts wind-aided, hand-timed or indoor marks too. A season's list is "
            "`year_from` and `year_to` set to the same year."
        ),
        parameters=[*filter_parameters(AllTimeFilter), *PAGE_PARAMETERS],
        responses=api.RankedListSerializer,
        operation_id="disciplines_ranked_list",
    )
)
class DisciplineRankedList(ArchiveView):
    queryset = Discipline.objects.all()
    lookup_field = "code"
    serializer_class = api.RankedResultSerializer

    def get(self, request, code):
        discipline = self.get_object()
        all_time = validated(AllTimeFilter(request.query_params, queryset=ListedMark.objects.all()))
        drawn = all_time.drawn(discipline)
        page = self.paginate_queryset(drawn.ranked.with_venue())
        prefetch_related_objects(page, "sources")
        listing = self.get_paginated_response(self.get_serializer(page, many=True).data).data
        context = self.get_serializer_context()
        return Response(
            {
                "discipline": api.DisciplineBriefSerializer(discipline, context=context).data,
                "sex": drawn.sex,
                "list": drawn.kind,
                "include": list(drawn.include),
                **listing,
            }
        )


# Championships and medals -----------------------------------------------------------------------


@extend_schema(summary=_("Championships, Olympic Games first"))
class ChampionshipList(ArchiveView, generics.ListAPIView):
    queryset = Championship.objects.annotate(edition_count=Count("editions")).order_by(
        "position", "name"
    )
    serializer_class = api.ChampionshipListSerializer


@extend_schema(summary=_("A championship, with its editions and medal tables"))
class ChampionshipDetail(ArchiveView, generics.RetrieveAPIView):
    queryset = Championship.objects.all()
    serializer_class = api.ChampionshipDetailSerializer
    lookup_field = "slug"

    def retrieve(self, request, *args, **kwargs):
        championship = self.get_object()
        championship.edition_list = championship.editions.select_related("country").order_by(
            "-year", "-start_date"
        )
        championship.medal_tables = medal_tables(medal_results().filter(championship=championship))
        return Response(self.get_serializer(championship).data)


def medal_tables(medals):
    """Medals by nation and by athlete, the first MEDAL_TABLE_LENGTH rows of each."""
    return SimpleNamespace(
        by_nation=medals_by_nation(medals, limit=MEDAL_TABLE_LENGTH).rows,
        by_athlete=medals_by_athlete(medals, limit=MEDAL_TABLE_LENGTH).rows,
    )


@extend_schema_view(
    get=extend_schema(
        summary=_("Medal tables by nation and by athlete"),
        description=format_lazy(
            _(
                "The medals of championships that award them, as /medals/ shows them: the "
                "first {length} nations and athletes, narrowed by championship, years, sex "
                "and discipline."
            ),
            length=MEDAL_TABLE_LENGTH,
        ),
        parameters=filter_parameters(MedalFilter),
        responses=api.MedalTablesSerializer,
        operation_id="medals",
    )
)
class MedalTables(ArchiveView):
    pagination_class = None

    def get(self, request):
        medals = validated(MedalFilter(request.query_params, queryset=medal_results())).qs
        return Response(
            api.MedalTablesSerializer(medal_tables(medals), context={"request": request}).data
        )
