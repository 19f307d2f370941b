import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

PEREZ_FIXTURE = settings.ATHLETE_FIXTURES_DIR / "jefferson-perez.json"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database starts anew, so its cached tables must too."""
    cache.clear()


@pytest.fixture
def reference_data(db):
    """Countries, disciplines, championships and barriers, as `make run` loads them."""
    call_command("loaddata", *settings.REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture
def perez(reference_data):
    """The archive as shipped: reference data and Jefferson Pérez's fixture."""
    from athletes.models import Athlete

    call_command("loaddata", str(PEREZ_FIXTURE), verbosity=0)
    return Athlete.objects.get(slug="jefferson-perez")
