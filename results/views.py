from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from athletes.models import Sex, Source
from athletes.views import paginate

from . import standings
from .filters import AllTimeFilter, CompetitionFilter, MedalFilter
from .models import Championship, Competition, Discipline, Event, Result

COMPETITIONS_PER_PAGE = 50
LIST_LENGTH = 100
MEDAL_TABLE_LENGTH = 50
EDITIONS_PER_PAGE = 10


def competition_list(request):
    competitions = Competition.objects.select_related("country", "championship")
    competition_filter = CompetitionFilter(request.GET, queryset=competitions)
    queryset = competition_filter.qs if competition_filter.is_valid() else competitions.none()
    return render(
        request,
        "results/competition_list.html",
        {"filter": competition_filter, "page": paginate(request, queryset, COMPETITIONS_PER_PAGE)},
    )


def competition_detail(request, slug):
    competition = get_object_or_404(
        Competition.objects.select_related("country", "championship").prefetch_related("sources"),
        slug=slug,
    )
    medal_table = None
    if competition.championship and competition.championship.awards_medals:
        medal_table = standings.nation_medal_table(
            standings.medal_results().filter(event__competition=competition)
        )
    return render(
        request,
        "results/competition_detail.html",
        {
            "competition": competition,
            "events": standings.competition_podiums(competition),
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
            "rows": standings.event_results(event),
            "sources": Source.objects.filter(results__event=event).distinct().order_by("title"),
        },
    )


def championship_list(request):
    championships = Championship.objects.annotate(edition_count=Count("editions"))
    return render(request, "results/championship_list.html", {"championships": championships})


def championship_detail(request, slug):
    championship = get_object_or_404(Championship, slug=slug)
    medals = standings.medal_results().filter(event__competition__championship=championship)
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
            "winners": standings.championship_winners(championship, editions.object_list),
            "nation_table": standings.nation_medal_table(medals, limit=MEDAL_TABLE_LENGTH),
            "athlete_table": standings.athlete_medal_counts(medals, limit=MEDAL_TABLE_LENGTH),
        },
    )


def discipline_list(request):
    disciplines = Discipline.objects.order_by("venue", "position", "code")
    groups = {}
    for discipline in disciplines:
        groups.setdefault(discipline.get_venue_display(), []).append(discipline)
    return render(request, "results/discipline_list.html", {"groups": groups})


def discipline_detail(request, code):
    discipline = get_object_or_404(Discipline, code=code)
    all_time_filter = AllTimeFilter(request.GET, queryset=Result.objects.all())
    valid = all_time_filter.is_valid()
    cleaned = all_time_filter.form.cleaned_data if valid else {}
    sex = cleaned.get("sex") or Sex.MEN
    kind = cleaned.get("list") or "performers"
    if valid:
        results = all_time_filter.qs
        ranked = (standings.performers if kind == "performers" else standings.performances)(
            discipline, sex, results
        )
        page = paginate(request, ranked, LIST_LENGTH)
        progression = standings.best_mark_progression(discipline, sex, results)
    else:
        page, progression = None, []
    return render(
        request,
        "results/discipline_detail.html",
        {
            "discipline": discipline,
            "filter": all_time_filter,
            "sex": sex,
            "sex_label": Sex(sex).label,
            "kind": kind,
            "page": page,
            "progression": progression,
        },
    )


def medal_table(request):
    medal_filter = MedalFilter(request.GET, queryset=standings.medal_results())
    if medal_filter.is_valid():
        medals = medal_filter.qs
        nation_table = standings.nation_medal_table(medals, limit=MEDAL_TABLE_LENGTH)
        athlete_table = standings.athlete_medal_counts(medals, limit=MEDAL_TABLE_LENGTH)
    else:
        nation_table = athlete_table = None
    return render(
        request,
        "results/medal_table.html",
        {"filter": medal_filter, "nation_table": nation_table, "athlete_table": athlete_table},
    )
