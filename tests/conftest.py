import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """
    The reference data, loaded once into the test database: every test starts from it and
    rolls its own changes back, which spares each test seconds of validated loading.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", *settings.REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database starts anew, so its cached tables must too."""
    cache.clear()


@pytest.fixture
def reference_data(db):
    """Countries, disciplines, championships and barriers, as `make run` loads them."""
    from athletes.models import Country

    # Tests that run in real transactions (the browser tests) flush the whole database when
    # they end, reference data included: the next one loads it again.
    if not Country.objects.exists():
        call_command("loaddata", *settings.REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture
def perez(reference_data):
    """The archive as shipped: reference data and Jefferson Pérez's fixture."""
    from athletes.models import Athlete

    call_command("loaddata", str(PEREZ_FIXTURE), verbosity=0)
    return Athlete.objects.get(slug="jefferson-perez")


@pytest.fixture
def empty_archive(db):
    """An archive with nothing in it, not even reference data (rolled back after the test)."""
    for app_label in ARCHIVE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            model.objects.all().delete()


@pytest.fixture
def editor_client(client, reference_data):
    """A client logged in as an Editors-group account (not a superuser), as editors work."""
    from django.contrib.auth.models import Group, User

    from results.roles import EDITORS

    user = User.objects.create_user("editor", password="walk-20-km", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client
