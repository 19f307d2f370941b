from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from athletes.models import Athlete, Country
from results.models import Championship, Competition, Discipline


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "athletes:list",
            "athletes:country-list",
            "results:competition-list",
            "results:championship-list",
            "results:discipline-list",
            "results:medals",
        ]

    def location(self, item):
        return reverse(item)


class AthleteSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Athlete.objects.order_by("pk").only("slug")


class CompetitionSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Competition.objects.order_by("pk").only("slug")


class ChampionshipSitemap(Sitemap):
    def items(self):
        return Championship.objects.order_by("pk")


class DisciplineSitemap(Sitemap):
    def items(self):
        return Discipline.objects.order_by("pk")


class CountrySitemap(Sitemap):
    def items(self):
        return Country.objects.with_athletes().order_by("code")


SITEMAPS = {
    "static": StaticSitemap,
    "athletes": AthleteSitemap,
    "competitions": CompetitionSitemap,
    "championships": ChampionshipSitemap,
    "disciplines": DisciplineSitemap,
    "countries": CountrySitemap,
}
