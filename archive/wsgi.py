"""WSGI entry point, as used by gunicorn (`make serve`) or any WSGI server."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()


def _check_database_exists():
    """
    A production server on a missing SQLite file would create an empty archive and serve
    it as if the data were gone: refuse to start instead.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if settings.DEBUG or database["ENGINE"] != "django.db.backends.sqlite3":
        return
    if not Path(database["NAME"]).is_file():
        raise ImproperlyConfigured(
            f"The SQLite database {database['NAME']} does not exist. Set SQLITE_PATH to the "
            "archive's file, or create it first with `manage.py migrate` and "
            "`manage.py load_archive`."
        )


_check_database_exists()
