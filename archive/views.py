"""
The pages that combine the archive's apps: the home page, search, the athlete directory and
profiles, the nations' pages, robots.txt. `athletes` knows nothing of results, so a page
showing an athlete's results lives here, in the layer above both.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from athletes.models import Athlete, Country
from results.claims import contradicted_claims
from results.filters import CountedMarksForm
from results.models import Competition, Discipline
from results.standings.athlete import athlete_profile
from results.standings.medals import medals_by_nation, nation_medals
from results.views import FilteredListView, paginate

from .filters import AthleteFilter

ATHLETES_PER_PAGE = 50
SEARCH_LIMIT = 20
HOME_LIST_LENGTH = 12
MAX_QUERY_LENGTH = 100


def home(request):
    return render(
        request,
        "archive/home.html",
        {
            "athletes": Athlete.objects.select_related("country").order_by("-pk")[
                :HOME_LIST_LENGTH
            ],
            "competitions": Competition.objects.select_related("country").order_by(
                "-year", "-start_date", "name"
            )[:HOME_LIST_LENGTH],
        },
    )


def search(request):
    # Control characters (a NUL byte among them, which PostgreSQL refuses) are never part
    # of a name: drop them rather than fail.
    typed = request.GET.get("q", "")
    query = "".join(c for c in typed if c.isprintable()).strip()[:MAX_QUERY_LENGTH]
    context = {"search_query": query, "searched": bool(query)}
    if query:
        context.update(
            athletes=list(Athlete.objects.search(query).select_related("country")[:SEARCH_LIMIT]),
            competitions=list(
                Competition.objects.filter(Q(name__icontains=query) | Q(city__icontains=query))
                .select_related("country")
                .order_by("-year")[:SEARCH_LIMIT]
            ),
            disciplines=list(
                Discipline.objects.filter(Q(name__icontains=query) | Q(code__iexact=query))[
                    :SEARCH_LIMIT
                ]
            ),
            countries=list(
                Country.objects.filter(Q(name__icontains=query) | Q(code__iexact=query))[
                    :SEARCH_LIMIT
                ]
            ),
        )
        context["found"] = any(
            context[key] for key in ("athletes", "competitions", "disciplines", "countries")
        )
    return render(request, "archive/search.html", context)


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    # The admin is not named: it is behind a login, and robots.txt is read by anyone.
    lines = ["User-agent: *", "Allow: /", f"Sitemap: {sitemap}", ""]
    return render(request, "archive/robots.txt", {"lines": lines}, content_type="text/plain")


class AthleteList(FilteredListView):
    queryset = Athlete.objects.select_related("country").order_by("family_name", "given_name")
    filterset_class = AthleteFilter
    paginate_by = ATHLETES_PER_PAGE
    template_name = "athletes/athlete_list.html"
    extra_context = {"title": gettext_lazy("Athletes")}


def athlete_detail(request, slug):
    athlete = get_object_or_404(
        Athlete.objects.select_related("country").prefetch_related(
            "highlights", "aliases", "sources"
        ),
        slug=slug,
    )
    counted = CountedMarksForm(request.GET)
    context = {
        "athlete": athlete,
        "counted_marks": counted,
        "profile": athlete_profile(
            athlete, order=request.GET.get("order"), include=counted.included()
        ),
    }
    # Editors see where the sources' summaries and the results disagree; visitors see only
    # what the results give (and the page costs them no query more).
    if request.user.has_perm("results.view_claim"):
        context["contradicted_claims"] = contradicted_claims(athlete.claims.all())
    return render(request, "athletes/athlete_detail.html", context)


def country_list(request):
    countries = Country.objects.with_athletes().order_by("name")
    return render(
        request,
        "athletes/country_list.html",
        {"countries": countries, "medal_table": medals_by_nation(), "title": _("Nations")},
    )


def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    athletes = country.athletes.order_by("family_name", "given_name")
    return render(
        request,
        "athletes/country_detail.html",
        {
            "country": country,
            "page": paginate(request, athletes, ATHLETES_PER_PAGE),
            "medals": nation_medals(country),
            "title": _("Athletes of %(country)s") % {"country": country.name},
        },
    )
