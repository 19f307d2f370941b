"""`manage.py backup` takes a consistent snapshot while the archive is in use; `restore` brings
it back row for row, photos included."""

import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.backups import MANIFEST_FILE, MEDIA_FILE, row_counts
from athletes.models import Source
from results.models import ArchiveVersion

from .factories import ResultFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    # Photos on local disk are in the snapshot; object storage keeps its own versions.
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "athletes").mkdir(parents=True)
    (settings.MEDIA_ROOT / "athletes" / "walker.jpg").write_bytes(b"a photo")
    return settings.MEDIA_ROOT


def snapshot(tmp_path):
    call_command("backup", output_dir=str(tmp_path / "backups"), verbosity=0)
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


def test_a_snapshot_restores_the_archive_and_the_photos_as_they_were(
    reference_data, media, tmp_path
):
    ResultFactory.create_batch(5)
    before = row_counts()
    folder = snapshot(tmp_path)
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert manifest["rows"]["results_result"] == 5

    ResultFactory.create_batch(3)
    Source.objects.create(slug="written-after", title="Written after the snapshot")
    (media / "athletes" / "walker.jpg").unlink()

    call_command("restore", str(folder), interactive=False, verbosity=0)

    assert row_counts() == before
    assert not Source.objects.filter(slug="written-after").exists()
    assert (media / "athletes" / "walker.jpg").read_bytes() == b"a photo"


def test_restore_refuses_a_folder_that_is_not_a_snapshot(reference_data, tmp_path):
    with pytest.raises(CommandError, match="is not a snapshot"):
        call_command("restore", str(tmp_path), interactive=False)


def test_photos_restore_where_python_has_no_extraction_filter(
    reference_data, media, tmp_path, monkeypatch
):
    # Python before 3.11.4 (Debian 12's 3.11.2) has no tarfile.data_filter.
    folder = snapshot(tmp_path)
    (media / "athletes" / "walker.jpg").unlink()
    monkeypatch.delattr(tarfile, "data_filter", raising=False)

    call_command("restore", str(folder), interactive=False, verbosity=0)

    assert (media / "athletes" / "walker.jpg").read_bytes() == b"a photo"


@pytest.mark.parametrize("hostile", ["link", "outside"])
def test_a_snapshot_whose_photos_reach_outside_is_refused_and_nothing_restored(
    reference_data, media, tmp_path, hostile
):
    folder = snapshot(tmp_path)
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        member = tarfile.TarInfo("media/athletes/walker.jpg")
        if hostile == "link":
            member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
        else:
            member.name = "media/../../escaped.jpg"
        archive.addfile(member, io.BytesIO(b""))
    Source.objects.create(slug="written-after", title="Written after the snapshot")
    before = row_counts()

    with pytest.raises(CommandError, match="not a photo or folder under media/"):
        call_command("restore", str(folder), interactive=False, verbosity=0)

    assert row_counts() == before
    assert (media / "athletes" / "walker.jpg").read_bytes() == b"a photo"
    assert not (tmp_path.parent / "escaped.jpg").exists()


def the_database_file(folder):
    (path,) = [p for p in folder.iterdir() if p.name.startswith("archive.")]
    return path


@pytest.mark.parametrize("damage", ["missing", "not a database"])
def test_a_snapshot_without_a_sound_database_file_is_refused_and_nothing_restored(
    reference_data, tmp_path, damage
):
    ResultFactory.create_batch(2)
    folder = snapshot(tmp_path)
    ResultFactory.create_batch(3)
    before = row_counts()
    database = the_database_file(folder)
    if damage == "missing":
        database.unlink()
    else:
        database.write_bytes(b"random bytes, no database" * 100)

    with pytest.raises(CommandError, match="nothing was restored|failed"):
        call_command("restore", str(folder), interactive=False, verbosity=0)

    assert row_counts() == before


def test_a_restore_moves_the_archives_version_past_every_version_cached_before(
    reference_data, tmp_path
):
    folder = snapshot(tmp_path)
    ResultFactory.create_batch(3)  # pages cached now are keyed by this version
    version_before = ArchiveVersion.objects.get(pk=1).number

    call_command("restore", str(folder), interactive=False, verbosity=0)

    assert ArchiveVersion.objects.get(pk=1).number > version_before


def test_a_backup_where_none_can_be_written_says_so(reference_data, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    with pytest.raises(CommandError, match="Cannot write a snapshot in"):
        call_command("backup", output_dir=str(not_a_folder), verbosity=0)
