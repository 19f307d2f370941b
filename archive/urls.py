from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from results.admin_views import check_archive_view

from . import language, sitemaps, views

# The athletes' and nations' pages keep the `athletes` namespace that their models reverse.
athlete_pages = [
    path("athletes/", views.AthleteList.as_view(), name="list"),
    path("athletes/<slug:slug>/", views.athlete_detail, name="detail"),
    path("athletes/<slug:slug>/versus/<slug:other>/", views.head_to_head, name="head-to-head"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("language/<str:code>/", language.switch_language, name="language"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.section,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
    path("api/", include("api.urls")),
    path("corrections/", include("corrections.urls")),
    path(f"{settings.ADMIN_URL}check-archive/", check_archive_view, name="check-archive"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include((athlete_pages, "athletes"))),
    path("", include("results.urls")),
]

handler400 = "archive.views.bad_request"
handler404 = "archive.views.not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
