from django.urls import path

from . import views

app_name = "athletes"

urlpatterns = [
    path("athletes/", views.athlete_list, name="list"),
    path("athletes/<slug:slug>/", views.athlete_detail, name="detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country"),
]
