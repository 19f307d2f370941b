"""
The API, by version: /api/v1/… Each version keeps its own namespace ("api:v1"), so that a
later one can change what it answers while v1 stays as clients know it.

Objects are named by the natural keys the pages use: an athlete, competition or championship
by its slug, a discipline by its athlib code, an event by its competition, discipline, sex and
round (as in results/urls.py).
"""

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import docs, views

app_name = "api"

# A discipline's athlib code; narrower than the pages' <str:code> so that no junk reaches SQL.
CODE = r"(?P<code>[A-Za-z0-9]+)"
SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"

v1 = [
    path("", views.ApiIndex.as_view(), name="index"),
    path("athletes/", views.AthleteList.as_view(), name="athlete-list"),
    path("athletes/<slug:slug>/", views.AthleteDetail.as_view(), name="athlete"),
    path("competitions/", views.CompetitionList.as_view(), name="competition-list"),
    path("competitions/<slug:slug>/", views.CompetitionDetail.as_view(), name="competition"),
    re_path(
        rf"^competitions/{SLUG}/{CODE}/(?P<sex>[mwMW])/(?P<round>[a-z]+)/$",
        views.EventDetail.as_view(),
        name="event",
    ),
    path("results/", views.ResultList.as_view(), name="result-list"),
    path("disciplines/", views.DisciplineList.as_view(), name="discipline-list"),
    re_path(rf"^disciplines/{CODE}/$", views.DisciplineDetail.as_view(), name="discipline"),
    re_path(
        rf"^disciplines/{CODE}/list/$", views.DisciplineRankedList.as_view(), name="ranked-list"
    ),
    path("championships/", views.ChampionshipList.as_view(), name="championship-list"),
    path("championships/<slug:slug>/", views.ChampionshipDetail.as_view(), name="championship"),
    path("medals/", views.MedalTables.as_view(), name="medals"),
    path("schema/", docs.Schema.as_view(), name="schema"),
    path("docs/", docs.Documentation.as_view(url_name="api:v1:schema"), name="docs"),
]

urlpatterns = [
    path("", views.ApiVersions.as_view(), name="versions"),
    # The current version's documentation, wherever the site links to "the API".
    path("docs/", RedirectView.as_view(pattern_name="api:v1:docs"), name="docs"),
    path("v1/", include((v1, "v1"))),
]
