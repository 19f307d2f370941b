from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .filters import AthleteFilter
from .models import Athlete, Country

ATHLETES_PER_PAGE = 50


def paginate(request, queryset, per_page):
    """One page of `queryset`; a junk or out-of-range page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def athlete_list(request):
    athletes = Athlete.objects.select_related("country").order_by("family_name", "given_name")
    athlete_filter = AthleteFilter(request.GET, queryset=athletes, request=request)
    # An invalid filter (an unknown nation) shows the form's error over an empty list.
    queryset = athlete_filter.qs if athlete_filter.is_valid() else athletes.none()
    return render(
        request,
        "athletes/athlete_list.html",
        {"filter": athlete_filter, "page": paginate(request, queryset, ATHLETES_PER_PAGE)},
    )


def athlete_detail(request, slug):
    athlete = get_object_or_404(
        Athlete.objects.select_related("country").prefetch_related(
            "highlights", "aliases", "sources"
        ),
        slug=slug,
    )
    from results.claims import contradicted_claims
    from results.standings import athlete_profile

    context = {
        "athlete": athlete,
        "profile": athlete_profile(athlete, order=request.GET.get("order")),
    }
    # Editors see where the sources' summaries and the results disagree; visitors see only
    # what the results give (and the page costs them no query more).
    if request.user.has_perm("results.view_claim"):
        context["contradicted_claims"] = contradicted_claims(athlete.claims.all())
    return render(request, "athletes/athlete_detail.html", context)


def country_list(request):
    from results.standings import nation_medal_table

    countries = Country.objects.filter(athletes__isnull=False).distinct().order_by("name")
    return render(
        request,
        "athletes/country_list.html",
        {"countries": countries, "medal_table": nation_medal_table()},
    )


def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    from results.standings import nation_profile

    athletes = country.athletes.order_by("family_name", "given_name")
    return render(
        request,
        "athletes/country_detail.html",
        {
            "country": country,
            "page": paginate(request, athletes, ATHLETES_PER_PAGE),
            "profile": nation_profile(country),
            "title": _("Athletes of %(country)s") % {"country": country.name},
        },
    )
