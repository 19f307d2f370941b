"""What a production server checks once, before it serves anything."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def check_database_exists():
    """
    A production server on a missing SQLite file would create an empty archive and serve
    it as if the data were gone: refuse to start instead. Called once by gunicorn's master
    (`on_starting` in gunicorn.conf.py), not by each worker: a worker replaced while the
    file is briefly away must not stop the whole server.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if settings.DEBUG or database["ENGINE"] != settings.SQLITE_ENGINE:
        return
    if not Path(database["NAME"]).is_file():
        raise ImproperlyConfigured(
            f"The SQLite database {database['NAME']} does not exist. Set SQLITE_PATH to the "
            "archive's file, or create it first with `manage.py migrate` and "
            "`manage.py load_archive`."
        )
