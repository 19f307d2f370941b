import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation

PEREZ_FIXTURE = settings.ATHLETE_FIXTURES_DIR / "jefferson-perez.json"
ARCHIVE_APPS = {"athletes", "results"}


@pytest.fixture(scope="session", autouse=True)
def object_storage_bucket():
    """With MEDIA_STORAGE_URL set (the CI run on shared services), the bucket must exist."""
    storage = settings.STORAGES["default"]
    if not storage["BACKEND"].startswith("storages."):
        return
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    bucket = storage["OPTIONS"]["bucket_name"]
    if bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
        client.create_bucket(Bucket=bucket)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """
    Hundreds of tests create an editor, and Django's default hasher spends half a second on
    each password by design. The tests use a fast one, as Django's own suite does; the site
    keeps the default (and the reliability runs, a real gunicorn, hash as production does).
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """
    The reference data, loaded once into the test database: every test starts from it and
    rolls its own changes back, which spares each test seconds of validated loading.
    """
    from .helpers import load, on_the_test_database
    from .snapshots import keep_baseline

    with django_db_blocker.unblock():
        # With no selected test asking for a database, there is none but the developer's.
        if on_the_test_database():
            load(*settings.REFERENCE_FIXTURES)
            keep_baseline()
            _blockers.append(django_db_blocker)


# The database blocker of the session, once its test database is made (`django_db_setup`).
_blockers = []


def runs_in_real_transactions(item):
    """A test pytest-django ends by emptying the database (`transactional_db`)."""
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(item.fixturenames)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """
    A test that ran in real transactions leaves the database as the next test expects it:
    migrated, with the reference data (`django_db_setup`). Done once its fixtures are torn
    down, so after pytest-django's flush, and never after the last test, whose teardown
    destroys the test database.
    """
    result = yield
    if nextitem is not None and _blockers and runs_in_real_transactions(item):
        from django.db import connection

        from .snapshots import restore_baseline

        with _blockers[0].unblock():
            restore_baseline()
            # Closed again, as the test's teardown left it. With Playwright's event loop in
            # the thread, Django keeps a connection per context, and the one opened here was
            # left open: the test database could not be dropped at the session's end.
            connection.close()
    return result


@pytest.fixture(autouse=True)
def default_language():
    """
    Each test starts in the site's default language. A page asked for in Spanish leaves
    Spanish active in the test's thread (the locale middleware sets it for each request and
    leaves it), and a later test's messages made outside a request came out in Spanish.
    """
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database starts anew, so its cached tables must too."""
    cache.clear()


@pytest.fixture
def reference_data(db):
    """Countries, disciplines, championships and barriers, as `make run` loads them."""
    from athletes.models import Country

    from .helpers import load

    # A test in real transactions (a browser test) empties the tables when it ends, and the
    # reference data is written back after it (`pytest_runtest_teardown`, above). Loaded
    # here all the same for a test that finds them empty: a session fixture's flush.
    if not Country.objects.exists():
        load(*settings.REFERENCE_FIXTURES)


@pytest.fixture
def perez(reference_data):
    """The archive as shipped: reference data and Jefferson Pérez's fixture."""
    from athletes.models import Athlete

    from .snapshots import load_once

    load_once(PEREZ_FIXTURE)
    return Athlete.objects.get(slug="jefferson-perez")


@pytest.fixture
def bare_database(db):
    """
    No row at all in the archive's tables, not even reference data: the database as
    `migrate` leaves it, before `make fixtures` (rolled back after the test).
    """
    from .helpers import delete_all_but_reference_data

    delete_all_but_reference_data()
    for app_label in sorted(ARCHIVE_APPS):
        for model in apps.get_app_config(app_label).get_models():
            model.objects.all().delete()


@pytest.fixture
def editor_client(client, reference_data):
    """The test client logged in as an Editors-group account (not a superuser), as editors work."""
    from .helpers import create_editor

    client.force_login(create_editor("editor"))
    return client


@pytest.fixture
def ana(reference_data):
    """Ana, an editor in a browser of her own; `editor_session("ben")` makes her colleague."""
    from .helpers import editor_session

    return editor_session("ana")


@pytest.fixture
def final_2001(reference_data):
    """A men's 20 km walk final of 2001, in Canada, with no results yet: a sheet to paste."""
    from athletes.models import Country

    from .factories import CompetitionFactory, EventFactory

    competition = CompetitionFactory(year=2001, country=Country.objects.get(code="CAN"))
    return EventFactory(competition=competition, date=datetime.date(2001, 8, 5))


@pytest.fixture
def mass_race(reference_data, monkeypatch):
    """
    A race of seven results shown three a page (on its page and in the API): places 3 and 4
    tied, then one DNF.
    """
    from results.models import Result

    from .factories import EventFactory, ResultFactory

    monkeypatch.setattr("results.standings.events.RESULTS_PER_PAGE", 3)
    event = EventFactory()
    marks = [4_800_000, 4_810_000, 4_820_000, 4_820_000, 4_830_000, 4_840_000]
    names = ["Ames", "Bell", "Cole", "Dean", "Eton", "Ford"]
    for place, (name, mark) in enumerate(zip(names, marks, strict=True), start=1):
        ResultFactory(event=event, place=place, mark=mark, athlete__family_name=name)
    ResultFactory(
        event=event,
        place=None,
        mark=None,
        status=Result.Status.DID_NOT_FINISH,
        athlete__family_name="Laggard",
    )
    return event
