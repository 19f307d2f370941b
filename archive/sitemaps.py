"""
The sitemap: every kind of public page, each with `lastmod`. A page about one row (an
athlete, a competition, an event) was last changed when its row last was, as its history
records; a page that sums up the archive (lists, tables, nations) when the archive was.
Head-to-head pages are listed for the written profiles' rivals (those their rivals tables
link to), not for every pair of athletes, which would drown the rest.
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, F, OuterRef, Subquery
from django.urls import reverse

from athletes.models import Athlete, Country
from results.caching import archive_state, pinned_state
from results.models import Championship, Competition, Discipline, Event, Result


def last_changed(model):
    """A subquery: when the history of `model` last recorded a change to the row."""
    history = model.history.model.objects.filter(id=OuterRef("pk"))
    return Subquery(history.order_by("-history_date").values("history_date")[:1])


class ArchiveSitemap(Sitemap):
    """Pages that sum up the whole archive: changed whenever the archive is."""

    @cached_property
    def archive_changed_at(self):
        return archive_state()[1]

    def lastmod(self, item):
        return self.archive_changed_at

    def get_latest_lastmod(self):
        # What the sitemap index shows for the section; Django's default reads every item.
        return self.archive_changed_at


class RowSitemap(ArchiveSitemap):
    """Pages about one row each, in pages of `limit` URLs."""

    changefreq = "monthly"
    limit = 5000
    model = None
    related = ()
    fields = ("slug",)

    def items(self):
        # Read once up front, so that rows without history cost no query each.
        self.archive_changed_at  # noqa: B018
        return (
            self.model.objects.order_by("pk")
            .select_related(*self.related)
            .only(*self.fields)
            .annotate(last_changed=last_changed(self.model))
        )

    def lastmod(self, item):
        return item.last_changed or self.archive_changed_at

    def get_latest_lastmod(self):
        latest = self.model.history.order_by("-history_date").values("history_date").first()
        return latest["history_date"] if latest else self.archive_changed_at


class StaticSitemap(ArchiveSitemap):
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


class AthleteSitemap(RowSitemap):
    model = Athlete


class CompetitionSitemap(RowSitemap):
    model = Competition


class EventSitemap(RowSitemap):
    model = Event
    related = ("competition", "discipline")
    fields = ("sex", "round", "competition__slug", "discipline__code")


class ChampionshipSitemap(ArchiveSitemap):
    def items(self):
        return Championship.objects.order_by("pk")


class DisciplineSitemap(ArchiveSitemap):
    def items(self):
        return Discipline.objects.order_by("pk")


class CountrySitemap(ArchiveSitemap):
    def items(self):
        return Country.objects.with_athletes().order_by("code")


class HeadToHeadSitemap(ArchiveSitemap):
    """The head-to-heads of each athlete with a written profile and their most met rivals."""

    RIVALS = 10

    def items(self):
        profiles = dict(Athlete.objects.exclude(biography="").values_list("pk", "slug"))
        met = (
            Result.objects.filter(event__results__athlete__in=list(profiles))
            .annotate(profile=F("event__results__athlete"))
            .exclude(athlete=F("profile"))
            .values("profile", "athlete__slug")
            .annotate(meetings=Count("pk"))
            .order_by("profile", "-meetings", "athlete__slug")
        )
        pairs, listed = [], {}
        for row in met:
            if listed.setdefault(row["profile"], 0) < self.RIVALS:
                listed[row["profile"]] += 1
                pairs.append((profiles[row["profile"]], row["athlete__slug"]))
        return pairs

    def location(self, item):
        return reverse("athletes:head-to-head", args=item)


SITEMAPS = {
    "static": StaticSitemap,
    "athletes": AthleteSitemap,
    "competitions": CompetitionSitemap,
    "events": EventSitemap,
    "championships": ChampionshipSitemap,
    "disciplines": DisciplineSitemap,
    "countries": CountrySitemap,
    "head-to-head": HeadToHeadSitemap,
}


def index(request, **kwargs):
    """The sitemap index, reading the archive's state once for all its sections."""
    with pinned_state():
        return sitemap_views.index(request, **kwargs).render()


def section(request, **kwargs):
    with pinned_state():
        return sitemap_views.sitemap(request, **kwargs).render()
