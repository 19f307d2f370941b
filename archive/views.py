"""
The pages that combine the archive's apps: the home page, search, the athlete directory and
profiles, the nations' pages, robots.txt. `athletes` knows nothing of results, so a page
showing an athlete's results lives here, in the layer above both.
"""

from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

from athletes.models import NAME_ORDER, Athlete, Country, fold
from results import downloads
from results.claims import contradicted_claims
from results.filters import CountedMarksForm
from results.standings.athlete import athlete_profile
from results.standings.head_to_head import head_to_head as compare_athletes
from results.standings.home import featured_athletes, latest_changes, latest_records, on_this_day
from results.standings.medals import medal_results, medals_by_nation, nation_medals
from results.views import MEDAL_DOWNLOAD_LENGTH, FilteredListView, paginate
from revisions.statements import prepared

from .filters import AthleteFilter
from .search import KINDS, SEARCH_LIMIT, clean_query, search_archive

ATHLETES_PER_PAGE = 50


def home(request):
    """The front door: the written profiles first, then what is new, on this day, records."""
    return render(
        request,
        "archive/home.html",
        {
            "featured": featured_athletes(),
            "changes": latest_changes(),
            "on_this_day": on_this_day(timezone.localdate()),
            "records": latest_records(),
        },
    )


def search(request):
    query = clean_query(request.GET.get("q", ""))
    context = {"search_query": query, "searched": bool(query)}
    if query:
        context.update(search_archive(query))
        context["found"] = any(context[kind] for kind in KINDS)
    return render(request, "archive/search.html", context)


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    # The admin is not named: it is behind a login, and robots.txt is read by anyone.
    # The language switch and the correction forms are for people, not crawlers.
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /language/",
        "Disallow: /corrections/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return render(request, "archive/robots.txt", {"lines": lines}, content_type="text/plain")


class AthleteList(FilteredListView):
    queryset = Athlete.objects.select_related("country").order_by(*NAME_ORDER)
    filterset_class = AthleteFilter
    paginate_by = ATHLETES_PER_PAGE
    template_name = "athletes/athlete_list.html"
    extra_context = {"title": gettext_lazy("Athletes")}


@downloads.builds_files
def athlete_detail(request, slug):
    # The athlete by their key, with their stories and names by theirs: planned once per
    # connection on PostgreSQL (revisions/statements.py). Their sources come with the
    # profile, with those their results cite.
    with prepared():
        athlete = get_object_or_404(
            Athlete.objects.select_related("country").prefetch_related("highlights", "aliases"),
            slug=slug,
        )
    counted = CountedMarksForm(request.GET)
    profile = athlete_profile(athlete, order=request.GET.get("order"), include=counted.included())
    # Each table of the profile downloads as a file (`?format=csv&table=bests`).
    if download := downloads.requested(request, tables=downloads.ATHLETE_TABLES):
        if not counted.is_valid():
            # The file of marks counted otherwise than asked would be another file: say so.
            raise BadRequest(counted.errors.as_text())
        return downloads.athlete_file(request, download, athlete, profile)
    context = {"athlete": athlete, "counted_marks": counted, "profile": profile}
    # Editors see where the sources' summaries and the results disagree; visitors see only
    # what the results give (and the page costs them no query more).
    if request.user.has_perm("results.view_claim"):
        context["contradicted_claims"] = contradicted_claims(athlete.claims.all())
    return render(request, "athletes/athlete_detail.html", context)


def country_list(request):
    # In the reader's language's order: "Alemania" among the A's in Spanish.
    countries = sorted(Country.objects.with_athletes(), key=lambda country: fold(country.label))
    return render(
        request,
        "athletes/country_list.html",
        {"countries": countries, "medal_table": medals_by_nation(), "title": _("Nations")},
    )


@downloads.builds_files
def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    athletes = country.athletes.order_by(*NAME_ORDER)
    if download := downloads.requested(request, tables=("championships", "athletes")):
        # The whole table, to a row beyond the file's length: whether it goes on.
        medals = nation_medals(country, limit=MEDAL_DOWNLOAD_LENGTH + 1)
        table = medals.by_athlete if download.table == "athletes" else medals.by_championship
        return downloads.medal_file(
            request,
            download,
            download.table,
            table,
            medal_results().filter(country=country),
            title=_("%(country)s: medals") % {"country": country.label},
            name=f"{country.code}-medals-{download.table}",
            limit=MEDAL_DOWNLOAD_LENGTH,
        )
    return render(
        request,
        "athletes/country_detail.html",
        {
            "country": country,
            "page": paginate(request, athletes, ATHLETES_PER_PAGE),
            "medals": nation_medals(country),
            "title": _("Athletes of %(country)s") % {"country": country.label},
        },
    )


def head_to_head(request, slug, other):
    """
    Two athletes compared race by race. The page's form (`?rival=` a name) compares the
    first athlete with someone else: straight to that page when one athlete matches.
    """
    if slug == other:
        raise Http404
    athletes = Athlete.objects.select_related("country").in_bulk([slug, other], field_name="slug")
    if len(athletes) != 2:
        raise Http404
    athlete, rival = athletes[slug], athletes[other]
    name = clean_query(request.GET.get("rival", ""))
    matches = []
    if name:
        matches = list(
            Athlete.objects.search(name)
            .exclude(pk=athlete.pk)
            .select_related("country")
            .order_by(*NAME_ORDER)[: SEARCH_LIMIT + 1]
        )
        if len(matches) == 1:
            return redirect("athletes:head-to-head", slug=athlete.slug, other=matches[0].slug)
    return render(
        request,
        "athletes/head_to_head.html",
        {
            "athlete": athlete,
            "rival": rival,
            "comparison": compare_athletes(athlete, rival),
            "rival_name": name,
            "matches": matches[:SEARCH_LIMIT],
            "more_matches": len(matches) > SEARCH_LIMIT,
        },
    )


def not_found(request, exception):
    """
    The site's 404 page; under /api/, the API's own JSON answer in its words, also for an
    address no API view matched (`/api/v1/nothing/`).
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def bad_request(request, exception):
    """
    The site's 400 page, saying what was wrong when the archive itself refused the request
    (`BadRequest`: a download's unknown table, its filter's errors), so that a reader knows
    which parameter to correct. Other refusals (a bad host, a forged upload) say nothing
    more, as on Django's own page: their messages are not written for readers.
    """
    reason = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"reason": reason}, status=400)
