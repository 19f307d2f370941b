"""Site-wide pages: the home page, search across the archive, robots.txt."""

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from athletes.models import Athlete, Country
from results.models import Competition, Discipline

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
