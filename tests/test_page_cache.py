"""
Public pages cost nothing when nothing changed: anonymous readers are served whole pages
from the cache, keyed by the archive's version, and a matching conditional GET is a 304;
an edit shows on the next request, and editors never see a cached page.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from results.models import Result

from .helpers import save_change

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


def archive_queries(queries):
    """The queries of a request that read the archive's data, not its version."""
    return [q["sql"] for q in queries if "results_archiveversion" not in q["sql"]]


@pytest.fixture
def profile_url(perez):
    return reverse("athletes:detail", args=[perez.slug])


def test_a_second_anonymous_request_is_served_from_the_cache(client, profile_url):
    first = client.get(profile_url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(profile_url)
    assert second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 1 and archive_queries(queries) == []
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]


def test_a_matching_etag_is_answered_304_without_rendering(client, profile_url):
    etag = client.get(profile_url)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(profile_url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert archive_queries(queries) == []


def test_a_matching_last_modified_is_answered_304(client, profile_url):
    last_modified = client.get(profile_url)["Last-Modified"]
    response = client.get(profile_url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304


@pytest.fixture
def reader():
    """An anonymous reader, apart from the editor's client."""
    return Client()


def test_an_edit_in_the_admin_shows_on_the_next_anonymous_request(
    reader, editor_client, perez, profile_url
):
    before = reader.get(profile_url)
    assert "Quito" in before.content.decode() or "Cuenca" in before.content.decode()
    save_change(editor_client, perez, birthplace="Cuenca, Azuay (edited)")
    after = reader.get(profile_url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert "Cuenca, Azuay (edited)" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_a_logged_in_editor_is_never_served_a_cached_page(reader, editor_client, profile_url):
    reader.get(profile_url)  # cached for anonymous readers
    Result.objects.filter(athlete__slug="jefferson-perez").update(note="Seen by the editor")
    # update() sends no signal: the version did not move, so readers still get the cache…
    assert "Seen by the editor" not in reader.get(profile_url).content.decode()
    # …but an editor's page is rendered afresh, and no proxy may keep it.
    response = editor_client.get(profile_url)
    assert "Seen by the editor" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_errors_and_redirects_are_not_cached(client, perez):
    missing = reverse("athletes:detail", args=["nobody"])
    assert client.get(missing).status_code == 404
    assert "ETag" not in client.get(missing)
    assert client.get("/athletes").status_code == 301


def test_the_admin_is_never_cached(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "ETag" not in response


def test_a_page_says_what_it_varies_by(client, profile_url):
    response = client.get(profile_url)
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_database_that_cannot_be_read_gives_a_503_not_a_500(client, monkeypatch):
    """The version is read before any view: its failure is answered as a view's would be."""
    from django.db import OperationalError

    from results import caching

    def unreadable():
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(caching, "archive_state", unreadable)
    response = client.get("/robots.txt")
    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_fixture_load_moves_the_version_on_once(client, perez):
    """Hundreds of rows saved, one version: every cached page is retired, in one query."""
    from results.caching import current_version

    from .helpers import load
    from .test_best_marks import RIVAL_FIXTURE

    before = current_version()
    with CaptureQueriesContext(connection) as queries:
        load(RIVAL_FIXTURE)
    moves = [q for q in queries if q["sql"].startswith('UPDATE "results_archiveversion"')]
    assert len(moves) == 1
    assert current_version() == before + 1
