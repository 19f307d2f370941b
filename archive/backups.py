"""
Consistent snapshots of the archive, taken while editors keep writing, and their restore.

A snapshot is one folder, `<BACKUP_DIR>/<UTC time>/`, holding:

* the database: on SQLite, a copy made with SQLite's online backup API (a plain file copy
  during writes misses what is still in the write-ahead log); on PostgreSQL, a `pg_dump`
  archive in its custom format;
* `media.tar.gz`: the uploaded photos and their thumbnails, when they are on local disk
  (object storage keeps its own versions: back the bucket up with its own tools);
* `manifest.json`: when, from which database, and the row count of every table, so that a
  restore can be checked.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from results.models import ArchiveVersion

SQLITE_FILE = "archive.sqlite3"
POSTGRES_FILE = "archive.pgdump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"


class BackupError(Exception):
    pass


def row_counts():
    """Rows per table of every installed model, many-to-many tables included."""
    counts = {}
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and not model._meta.proxy:
            counts[table] = model._default_manager.using("default").count()
    return dict(sorted(counts.items()))


def _media_on_disk():
    return settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def _postgres_environment():
    """The connection settings of the default database, as libpq's environment variables."""
    database = settings.DATABASES["default"]
    environment = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(name):
            environment[key] = str(database[name])
    return environment


def _run(command):
    try:
        subprocess.run(
            command, env=_postgres_environment(), check=True, capture_output=True, text=True
        )
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from None


def take_snapshot(directory=None):
    """Write a snapshot (see the module docstring) and return its folder."""
    root = Path(directory or settings.BACKUP_DIR)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = root / stamp
    try:
        target.mkdir(parents=True, exist_ok=False)
    except OSError as error:
        raise BackupError(f"Cannot write a snapshot in {root}: {error.strerror}.") from None
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        # One step (pages=-1): the copy is the database at one instant, committed writes only.
        with sqlite3.connect(target / SQLITE_FILE) as copy:
            connection.connection.backup(copy)
        copy.close()
        counts = _sqlite_counts(target / SQLITE_FILE)
    elif vendor == "postgresql":
        # pg_dump reads in one repeatable-read transaction: a consistent snapshot too.
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target / POSTGRES_FILE}"])
        counts = row_counts()
    else:
        raise BackupError(f"No backup method for {vendor}.")
    media = Path(settings.MEDIA_ROOT)
    if _media_on_disk() and media.is_dir():
        with tarfile.open(target / MEDIA_FILE, "w:gz") as archive:
            archive.add(media, arcname="media")
    manifest = {
        "taken_at": stamp,
        "vendor": vendor,
        "rows": counts,
        "media": (target / MEDIA_FILE).exists(),
    }
    (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def _sqlite_counts(path):
    """Row counts of the copy itself, read from the file, not from the live database."""
    # Read-only: a missing file is an error, never a new empty database.
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
        tables = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables
        }
    copy.close()
    known = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return dict(sorted((table, count) for table, count in counts.items() if table in known))


def _check_photos(path):
    """
    A snapshot's archive of photos is refused unless each member is a plain file or a folder
    under `media/`: no link, device or path reaching outside it.
    """
    try:
        with tarfile.open(path) as archive:
            members = archive.getmembers()
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a readable archive of photos ({error}).") from None
    for member in members:
        parts = Path(member.name).parts
        inside = (
            parts[:1] == ("media",) and ".." not in parts and not Path(member.name).is_absolute()
        )
        if not inside or not (member.isfile() or member.isdir()):
            raise BackupError(
                f"{path} holds {member.name!r}, which is not a photo or folder under media/: "
                "nothing was restored."
            )


def restore_snapshot(snapshot):
    """Bring the database (and the media, if saved) back as the snapshot holds them."""
    snapshot = Path(snapshot)
    manifest_path = snapshot / MANIFEST_FILE
    if not manifest_path.is_file():
        raise BackupError(f"{snapshot} is not a snapshot: it has no {MANIFEST_FILE}.")
    manifest = json.loads(manifest_path.read_text())
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"The snapshot is of a {manifest['vendor']} database; this archive runs on "
            f"{connection.vendor}."
        )
    # Checked before anything is restored: a refused database file or archive of photos
    # leaves all as it was.
    if connection.vendor == "sqlite":
        _check_sqlite_copy(snapshot / SQLITE_FILE, manifest)
    elif not (snapshot / POSTGRES_FILE).is_file():
        raise BackupError(f"{snapshot} has no {POSTGRES_FILE}: nothing was restored.")
    if manifest.get("media"):
        _check_photos(snapshot / MEDIA_FILE)
    version_before = _archive_version()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(snapshot / SQLITE_FILE) as source:
            # The backup API writes into the live database under its lock: readers in other
            # processes see the old archive or the restored one, never half of each.
            source.backup(connection.connection)
        source.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(snapshot / POSTGRES_FILE),
            ]
        )
    if manifest.get("media"):
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        media.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(snapshot / MEDIA_FILE) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(media.parent, filter="data")
            else:
                # Python before 3.11.4 (Debian 12's 3.11.2) has no extraction filters: the
                # members were checked above; they are written as the "data" filter would
                # write them, owned by this process, without set-id or others' write bits.
                members = archive.getmembers()
                for member in members:
                    member.mode &= 0o755
                    member.uid, member.gid, member.uname, member.gname = (
                        os.getuid(),
                        os.getgid(),
                        "",
                        "",
                    )
                archive.extractall(media.parent, members=members)
        extracted = media.parent / "media"
        if extracted != media:
            extracted.rename(media)
    _move_version_past(version_before)
    return manifest


def _check_sqlite_copy(path, manifest):
    """The snapshot's database is there, reads, and holds the rows its manifest counts."""
    if not path.is_file():
        raise BackupError(f"The snapshot has no {path.name}: nothing was restored.")
    try:
        counts = _sqlite_counts(path)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{path} is not a readable SQLite database ({error}): nothing was restored."
        ) from None
    if counts != manifest["rows"]:
        differ = sorted(
            table
            for table in set(counts) | set(manifest["rows"])
            if counts.get(table) != manifest["rows"].get(table)
        )
        raise BackupError(
            f"{path} does not hold the rows its manifest counts (tables {', '.join(differ[:5])}"
            f"{'…' if len(differ) > 5 else ''}): nothing was restored."
        )


def _has_version_table():
    with connection.cursor() as cursor:
        return ArchiveVersion._meta.db_table in connection.introspection.table_names(cursor)


def _archive_version():
    """The archive's version; None when it has none yet (a database not migrated)."""
    if not _has_version_table():
        return None
    return ArchiveVersion.objects.filter(pk=1).values_list("number", flat=True).first()


def _move_version_past(version_before):
    """
    The archive's version moves on past both the restored one and the one before: the
    caches, keyed by it, never serve a page of the archive as it was before the restore
    for the archive as restored (results.caching).
    """
    if not _has_version_table():
        return  # a snapshot of an archive before versions: nothing is cached by one
    restored = _archive_version()
    number = max(version_before or 0, restored or 0) + 1
    ArchiveVersion.objects.update_or_create(
        pk=1, defaults={"number": number, "changed_at": timezone.now()}
    )
