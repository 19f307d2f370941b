from django.urls import path

from . import views

app_name = "corrections"

urlpatterns = [
    path("new/", views.correction_new, name="new"),
    path("thanks/", views.correction_thanks, name="thanks"),
]
