"""What several test modules need: the archive's tables, their row counts, loading fixtures."""

from django.apps import apps
from django.core.management import call_command

from revisions.models import ArchiveModel

from .page_forms import read_forms


def archive_models():
    """
    The archive's data tables, many-to-many citations included: not the historical
    snapshots (`revisions`) nor the cache's version counter.
    """
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        if isinstance(owner, type) and issubclass(owner, ArchiveModel):
            yield model


def row_counts():
    """Rows per archive table, by lower-case label ("results.result")."""
    return {model._meta.label_lower: model.objects.count() for model in archive_models()}


def load(*fixtures, **options):
    """`manage.py loaddata` of fixture files or names, quietly."""
    call_command("loaddata", *map(str, fixtures), verbosity=0, **options)


def form_data(response, form_id=None):
    """
    What the page's form (`form_id`, else the first one with a CSRF token) submits as it
    stands, as a dict for the test client: the data an editor's browser holds.
    """
    forms = read_forms(response.content.decode())
    if form_id is None:
        form_id = next(key for key, form in forms.items() if "csrfmiddlewaretoken" in form)
    return {key: value for key, value in forms[form_id].items() if value != []}
