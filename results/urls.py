from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("competitions/", views.CompetitionList.as_view(), name="competition-list"),
    path("competitions/<slug:slug>/", views.competition_detail, name="competition"),
    path(
        "competitions/<slug:slug>/<str:code>/<str:sex>/<str:round>/",
        views.event_detail,
        name="event",
    ),
    path("championships/", views.championship_list, name="championship-list"),
    path("championships/<slug:slug>/", views.championship_detail, name="championship"),
    path("disciplines/", views.discipline_list, name="discipline-list"),
    path("disciplines/<str:code>/", views.discipline_detail, name="discipline"),
    path("medals/", views.MedalTableView.as_view(), name="medals"),
]
