"""
What an operator relies on: oversized bodies refused unread, a busy or unreachable database
answered with a friendly 503 (and the next request served), styled error pages, no stale
photo files (and the ones set aside purged once old), robots.txt that does not point at the
admin.
"""

import http.client
import os
import uuid
from contextlib import closing
from datetime import timedelta
from io import BytesIO, StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from athletes.models import Athlete
from athletes.photos import THUMBNAIL_WIDTHS, removed_name, thumbnail_name
from revisions.models import Revision

from .factories import AthleteFactory, ResultFactory
from .helpers import (
    action_page,
    changelist_url,
    confirm_delete,
    confirmation_form,
    form_data,
    page_html,
    save_change,
)

pytestmark = pytest.mark.django_db


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    body = mock.MagicMock()
    response = client.generic(
        "POST", "/admin/login/", data=b"", CONTENT_LENGTH="100000000", **{"wsgi.input": body}
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    body.read.assert_not_called()


def refusals_before_the_page(client, settings):
    """
    The answers given before a page's language is chosen: a body too large, a database
    away, a NUL in an admin filter.
    """
    settings.MAX_REQUEST_BYTES = 1000
    yield lambda **headers: client.generic(
        "POST",
        "/admin/login/",
        data=b"",
        CONTENT_LENGTH="100000",
        **{"wsgi.input": mock.MagicMock()},
        **headers,
    )
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("database is locked")
    ):
        yield lambda **headers: client.get("/athletes/", **headers)
    yield lambda **headers: client.get("/admin/athletes/athlete/?q=%00", **headers)


@pytest.mark.parametrize(
    "language, said",
    [
        ("en", ["What you sent is too large", "The archive is busy", "holds a NUL character"]),
        (
            "es",
            [
                "Lo que envió es demasiado grande",
                "El archivo está ocupado",
                "contiene un carácter NUL",
            ],
        ),
    ],
)
def test_a_refusal_before_the_page_is_in_the_readers_language(
    client, settings, reference_data, language, said
):
    # The process served a reader of the other language last: its language was left active,
    # and these answers, given before the page's language is chosen, were in it.
    other = "es" if language == "en" else "en"
    pages = []
    for ask in refusals_before_the_page(client, settings):
        translation.activate(other)
        pages.append(ask(HTTP_ACCEPT_LANGUAGE=language).content.decode())
    translation.deactivate()
    assert [words in page for words, page in zip(said, pages, strict=True)] == [True] * 3


def test_an_oversized_upload_to_the_development_server_gets_the_same_page(live_server, settings):
    # `make run` serves with Django's development server, which refuses a response's
    # hop-by-hop header: the page must come without one.
    settings.MAX_REQUEST_BYTES = 1000
    address = urlsplit(live_server.url)
    with closing(http.client.HTTPConnection(address.hostname, address.port, timeout=10)) as conn:
        conn.request("POST", "/admin/login/", body=b"x" * 5000)
        response = conn.getresponse()
        assert response.status == 413
        assert "too large" in response.read().decode()


@pytest.mark.parametrize(
    "message", ["database is locked", "unable to open database file", "connection refused"]
)
def test_a_busy_or_unreachable_database_gives_a_503_and_the_site_recovers(
    client, reference_data, message
):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError(message)):
        response = client.get("/athletes/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "The archive is busy" in response.content.decode()
    assert client.get("/athletes/").status_code == 200


def test_other_database_errors_are_not_hidden_as_busy(client, reference_data):
    client.raise_request_exception = False
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("no such column")
    ):
        response = client.get("/athletes/")
    assert response.status_code == 500


def test_a_bad_host_gets_the_styled_400_page(client, settings):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "could not read this request" in response.content.decode()


def test_robots_txt_does_not_advertise_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "admin" not in text.lower()
    assert "Sitemap:" in text


@pytest.fixture
def media_root(settings, tmp_path):
    """
    The test's own photos: a directory on disk, or a folder of its own in the bucket when
    the run keeps photos in object storage (a purge must not reach other workers' files).
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = settings.STORAGES["default"]
    if "OPTIONS" in storage:
        location = f"{storage['OPTIONS'].get('location', '')}/test-{uuid.uuid4().hex}".lstrip("/")
        options = {**storage["OPTIONS"], "location": location}
        settings.STORAGES = {**settings.STORAGES, "default": {**storage, "OPTIONS": options}}
    return settings.MEDIA_ROOT


def stored_photo(name):
    saved = default_storage.save(name, ContentFile(b"jpeg"))
    for width in THUMBNAIL_WIDTHS:
        default_storage.save(thumbnail_name(saved, width), ContentFile(b"thumb"))
    return saved


def files_of(name):
    return [name, *(thumbnail_name(name, width) for width in THUMBNAIL_WIDTHS)]


def test_a_replaced_photo_and_its_thumbnails_are_removed(
    reference_data, media_root, django_capture_on_commit_callbacks
):
    old, new = stored_photo("athletes/old.jpg"), stored_photo("athletes/new.jpg")
    athlete = AthleteFactory(photo=old)
    with django_capture_on_commit_callbacks(execute=True):
        replaced(athlete, new)
    assert not any(default_storage.exists(name) for name in files_of(old))
    assert all(default_storage.exists(name) for name in files_of(new))
    # Set aside, for an undo to bring back.
    assert all(default_storage.exists(removed_name(name)) for name in files_of(old))

    # Changed and changed back in one transaction (the athlete saved twice), the photo was
    # set aside though the athlete shows it.
    with django_capture_on_commit_callbacks(execute=True):
        replaced(athlete, stored_photo("athletes/newer.jpg"))
        replaced(athlete, new)
    assert all(default_storage.exists(name) for name in files_of(new))


def test_a_deleted_athletes_photo_is_removed_unless_another_uses_it(
    reference_data, media_root, django_capture_on_commit_callbacks
):
    shared, own = stored_photo("athletes/shared.jpg"), stored_photo("athletes/own.jpg")
    AthleteFactory(photo=shared)
    leaving, other = AthleteFactory(photo=own), AthleteFactory(photo=shared)
    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()
        other.delete()
    assert not any(default_storage.exists(name) for name in files_of(own))
    assert all(default_storage.exists(name) for name in files_of(shared))


def test_undoing_the_delete_of_an_athlete_brings_back_the_photo(
    ana, media_root, django_capture_on_commit_callbacks
):
    # Removed when the athlete was deleted, the photo came back as a name pointing at
    # nothing, and the profile showed a broken image.
    photo = stored_photo("athletes/own.jpg")
    athlete = AthleteFactory(photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_delete(ana, athlete).status_code == 302
    assert not default_storage.exists(photo)
    deleted = Revision.objects.latest("pk")

    with django_capture_on_commit_callbacks(execute=True):
        undone = ana.post(
            reverse("admin:revisions_revision_change", args=[deleted.pk]), {"undo": "1"}
        )

    assert undone.status_code == 302
    assert Athlete.objects.get(pk=athlete.pk).photo.name == photo
    assert all(default_storage.exists(name) for name in files_of(photo))
    assert not any(default_storage.exists(removed_name(name)) for name in files_of(photo))


def replaced(athlete, photo):
    """Give `athlete` another photo, as a save does: the old one is set aside."""
    athlete.photo = photo
    athlete.save()


def later(days):
    """The clock `days` days on: object stores date a file by its upload, which no test sets."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days))


def purge(*args):
    output = StringIO()
    call_command("purge_removed_photos", *args, stdout=output)
    return output.getvalue()


def test_the_purge_deletes_the_photos_set_aside_longer_ago_than_asked(
    reference_data, media_root, django_capture_on_commit_callbacks
):
    old, new = stored_photo("athletes/old.jpg"), stored_photo("athletes/new.jpg")
    athlete = AthleteFactory(photo=old)
    with django_capture_on_commit_callbacks(execute=True):
        replaced(athlete, new)

    with later(10):
        assert purge("--older-than", "30").splitlines()[-1] == (
            "Deleted 0 files set aside more than 30 days ago."
        )
        assert all(default_storage.exists(removed_name(name)) for name in files_of(old))
        said = purge("--older-than", "7")

    assert said.splitlines()[-1] == "Deleted 3 files set aside more than 7 days ago."
    assert not any(default_storage.exists(removed_name(name)) for name in files_of(old))
    assert all(default_storage.exists(name) for name in files_of(new))


def test_the_purge_waits_the_days_the_settings_give_by_default(
    reference_data, media_root, settings, django_capture_on_commit_callbacks
):
    settings.PHOTO_REMOVED_DAYS = 5
    old = stored_photo("athletes/old.jpg")
    athlete = AthleteFactory(photo=old)
    with django_capture_on_commit_callbacks(execute=True):
        replaced(athlete, "")
    with later(4):
        assert purge().splitlines()[-1] == "Deleted 0 files set aside more than 5 days ago."
    with later(6):
        assert purge().splitlines()[-1] == "Deleted 3 files set aside more than 5 days ago."


def test_a_dry_run_lists_what_the_purge_would_delete_and_deletes_nothing(
    reference_data, media_root, django_capture_on_commit_callbacks
):
    old = stored_photo("athletes/old.jpg")
    athlete = AthleteFactory(photo=old)
    with django_capture_on_commit_callbacks(execute=True):
        replaced(athlete, "")

    with later(31):
        said = purge("--dry-run").splitlines()

    assert [line.split()[0] for line in said[:-1]] == sorted(map(removed_name, files_of(old)))
    assert said[-1] == "Would delete 3 files set aside more than 30 days ago (dry run)."
    assert all(default_storage.exists(removed_name(name)) for name in files_of(old))


def test_the_purge_never_deletes_a_file_an_athletes_photo_uses(reference_data, media_root):
    # An athlete written back without its signals (a restored database, a raw load) may
    # name a photo whose files are still set aside: they are the only copy.
    used = "athletes/used.jpg"
    AthleteFactory(photo=used)
    for name in files_of(used):
        default_storage.save(removed_name(name), ContentFile(b"jpeg"))

    with later(31):
        said = purge()

    assert said.splitlines()[-1] == "Deleted 0 files set aside more than 30 days ago."
    assert all(default_storage.exists(removed_name(name)) for name in files_of(used))


def test_the_purge_refuses_a_negative_age(reference_data, media_root):
    with pytest.raises(CommandError, match="--older-than must be 0 or more days, not -1"):
        purge("--older-than", "-1")


def jpeg_upload(name):
    buffer = BytesIO()
    Image.frombytes("RGB", (20, 10), os.urandom(600)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def undo(client, revision):
    return client.post(
        reverse("admin:revisions_revision_change", args=[revision.pk]), {"undo": "1"}, follow=True
    )


def test_undoing_a_photo_change_whose_old_photo_was_purged_is_refused(
    ana, media_root, django_capture_on_commit_callbacks
):
    # The undo gave the athlete back the old photo's name, pointing at no file: a broken
    # image on the profile, and nothing said.
    old = stored_photo("athletes/old.jpg")
    athlete = AthleteFactory(given_name="Rosa", family_name="Mota", photo=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert save_change(ana, athlete, photo=jpeg_upload("new.jpg")).status_code == 302
    changed = Revision.objects.latest("pk")
    new = Athlete.objects.get(pk=athlete.pk).photo.name
    with later(31):
        purge()

    with django_capture_on_commit_callbacks(execute=True):
        said = page_html(undo(ana, changed))

    assert "The photo of “Rosa Mota” (athletes/old.jpg) cannot be put back" in said
    assert Athlete.objects.get(pk=athlete.pk).photo.name == new
    assert default_storage.exists(new)
    assert Revision.objects.get(pk=changed.pk).undone_by is None

    # The file put back from a backup, under its name: the undo goes through.
    default_storage.save(old, ContentFile(b"jpeg"))
    with django_capture_on_commit_callbacks(execute=True):
        assert "cannot be put back" not in page_html(undo(ana, changed))
    assert Athlete.objects.get(pk=athlete.pk).photo.name == old


def two_athletes_deleted(ana, django_capture_on_commit_callbacks):
    """Two athletes with photos, deleted together by Ana: their photos, them, the revision."""
    purged, kept = stored_photo("athletes/purged.jpg"), stored_photo("athletes/kept.jpg")
    first = AthleteFactory(given_name="Rosa", family_name="Mota", photo=purged)
    second = AthleteFactory(given_name="Fernanda", family_name="Ribeiro", photo=kept)
    page = action_page(ana, "delete_selected", first, second)
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(changelist_url(Athlete), form_data(page, form_id="delete-form"))
    return purged, kept, first, second, Revision.objects.latest("pk")


def test_undoing_a_delete_of_athletes_one_of_whose_photos_was_purged_is_refused_whole(
    ana, media_root, django_capture_on_commit_callbacks
):
    purged, kept, first, second, deleted = two_athletes_deleted(
        ana, django_capture_on_commit_callbacks
    )
    assert deleted.kind == Revision.Kind.DELETE
    for name in files_of(purged):
        default_storage.delete(removed_name(name))

    with django_capture_on_commit_callbacks(execute=True):
        said = page_html(undo(ana, deleted))

    assert "The photo of “Rosa Mota” (athletes/purged.jpg) cannot be put back" in said
    assert not Athlete.objects.filter(pk__in=[first.pk, second.pk]).exists()
    # Nothing moved either: the other photo stays set aside, for a later undo.
    assert all(default_storage.exists(removed_name(name)) for name in files_of(kept))
    assert not default_storage.exists(kept)


def purged_away(photo):
    """The photo's files set aside, then purged, as a purge does after PHOTO_REMOVED_DAYS."""
    for name in files_of(photo):
        default_storage.delete(removed_name(name))


def revision_page(client, revision):
    return client.get(reverse("admin:revisions_revision_change", args=[revision.pk]))


WITHOUT = "Undo without the missing photos"


def without_photos(page):
    """What the refusal's "Undo without the missing photos" posts, clicked as shown."""
    return {**form_data(page, form_id="undo-without-files-form"), "undo_without_files": "1"}


@pytest.fixture
def mota_merged(ana, media_root, django_capture_on_commit_callbacks):
    """
    Rosa Mota's second record, with her photo and a result, merged into the first; the
    photo then purged: (the merge, the second record, her result, the photo's name).
    """
    photo = stored_photo("athletes/mota.jpg")
    # With a photo of her own: a merge gives the record kept the other's photo if it has none.
    keep = AthleteFactory(
        given_name="Rosa", family_name="Mota", sex="W", photo=stored_photo("athletes/rosa.jpg")
    )
    duplicate = AthleteFactory(
        given_name="R.",
        family_name="Mota",
        slug="r-mota",
        sex="W",
        country=keep.country,
        photo=photo,
    )
    result = ResultFactory(
        athlete=duplicate, country=keep.country, event__sex="W", event__competition__year=1988
    )
    page = action_page(ana, "merge_athletes", keep, duplicate)
    confirmed = confirmation_form(page, "merge-form", keep=str(keep.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert ana.post(changelist_url(Athlete), confirmed).status_code == 302
    merge = Revision.objects.latest("pk")
    assert merge.kind == Revision.Kind.MERGE
    purged_away(photo)
    return merge, duplicate, result, photo


def test_an_undo_refused_only_for_a_purged_photo_offers_to_undo_without_it(
    ana, mota_merged, django_capture_on_commit_callbacks
):
    # The athlete could never come back, nor the results the merge gave away, unless a
    # backup held the photo's file.
    merge, duplicate, result, photo = mota_merged
    assert WITHOUT not in page_html(revision_page(ana, merge))

    with django_capture_on_commit_callbacks(execute=True):
        refused = ana.post(
            reverse("admin:revisions_revision_change", args=[merge.pk]), {"undo": "1"}
        )

    said = page_html(refused)
    assert "The photo of “R. Mota” (athletes/mota.jpg) cannot be put back" in said
    assert WITHOUT in said
    assert not Athlete.objects.filter(pk=duplicate.pk).exists()
    assert Revision.objects.latest("pk") == merge

    with django_capture_on_commit_callbacks(execute=True):
        undone = ana.post(
            reverse("admin:revisions_revision_change", args=[merge.pk]),
            without_photos(refused),
            follow=True,
        )

    said = page_html(undone)
    assert "Undone without the files purged since" in said
    assert "left empty: photo of “R. Mota” (athletes/mota.jpg)." in said
    back = Athlete.objects.get(pk=duplicate.pk)
    assert back.photo.name == ""
    result.refresh_from_db()
    assert result.athlete_id == duplicate.pk
    profile = ana.get(back.get_absolute_url())
    assert profile.status_code == 200
    assert "mota.jpg" not in profile.content.decode()
    assert not default_storage.exists(photo)
    undoing = Revision.objects.get(pk=merge.pk).undone_by
    assert undoing.kind == Revision.Kind.UNDO
    # Its history shows the photo as it came back: empty.
    assert back.history.latest("history_date").photo == ""

    # The undo is one revision like any other: it can itself be undone.
    with django_capture_on_commit_callbacks(execute=True):
        assert "Undone:" in page_html(undo(ana, undoing))
    result.refresh_from_db()
    assert not Athlete.objects.filter(pk=duplicate.pk).exists()
    assert result.athlete_id != duplicate.pk


def test_undo_without_photos_is_not_offered_when_something_else_refuses_the_undo(
    ana, mota_merged, django_capture_on_commit_callbacks
):
    merge, duplicate, result, photo = mota_merged
    taken = AthleteFactory(given_name="R.", family_name="Mota", slug=duplicate.slug)
    url = reverse("admin:revisions_revision_change", args=[merge.pk])

    with django_capture_on_commit_callbacks(execute=True):
        said = page_html(undo(ana, merge))
        forged = page_html(
            ana.post(url, {"undo_without_files": "1", "without_file": photo}, follow=True)
        )

    for page in (said, forged):
        assert "this revision cannot be undone" in page
        assert WITHOUT not in page
    assert Athlete.objects.get(slug=duplicate.slug) == taken
    assert not Athlete.objects.filter(pk=duplicate.pk).exists()
    assert Revision.objects.get(pk=merge.pk).undone_by is None


def test_undo_without_photos_posted_from_a_stale_or_forged_page_changes_nothing(
    ana, mota_merged, django_capture_on_commit_callbacks
):
    merge, duplicate, result, photo = mota_merged
    url = reverse("admin:revisions_revision_change", args=[merge.pk])
    with django_capture_on_commit_callbacks(execute=True):
        offered = without_photos(ana.post(url, {"undo": "1"}))

    # Another photo named than the one purged: refused as the undo is, offered anew.
    with django_capture_on_commit_callbacks(execute=True):
        forged = ana.post(url, {**offered, "without_file": "athletes/other.jpg"})
    assert "The photo of “R. Mota” (athletes/mota.jpg) cannot be put back" in page_html(forged)
    assert form_data(forged, form_id="undo-without-files-form")["without_file"] == photo

    # The file restored from a backup since the page was shown: nothing to leave out.
    default_storage.save(photo, ContentFile(b"jpeg"))
    with django_capture_on_commit_callbacks(execute=True):
        stale = page_html(ana.post(url, offered, follow=True))
    assert "No file this undo would give back is missing now: nothing was undone." in stale

    assert not Athlete.objects.filter(pk=duplicate.pk).exists()
    assert Revision.objects.get(pk=merge.pk).undone_by is None
    # The normal undo gives the photo back with the athlete.
    with django_capture_on_commit_callbacks(execute=True):
        assert "Undone:" in page_html(undo(ana, merge))
    assert Athlete.objects.get(pk=duplicate.pk).photo.name == photo


def test_a_delete_undone_without_its_purged_photo_still_brings_back_the_other_photos(
    ana, media_root, django_capture_on_commit_callbacks
):
    purged, kept, first, second, deleted = two_athletes_deleted(
        ana, django_capture_on_commit_callbacks
    )
    purged_away(purged)
    url = reverse("admin:revisions_revision_change", args=[deleted.pk])
    with django_capture_on_commit_callbacks(execute=True):
        refused = ana.post(url, {"undo": "1"})

    with django_capture_on_commit_callbacks(execute=True):
        said = page_html(ana.post(url, without_photos(refused), follow=True))

    assert "left empty: photo of “Rosa Mota” (athletes/purged.jpg)." in said
    assert "Fernanda Ribeiro" not in said.split("left empty:")[1].split("</p>")[0]
    assert Athlete.objects.get(pk=first.pk).photo.name == ""
    assert Athlete.objects.get(pk=second.pk).photo.name == kept
    assert all(default_storage.exists(name) for name in files_of(kept))


def test_an_undo_that_fails_after_bringing_back_a_photo_leaves_it_set_aside(
    ana, media_root, django_capture_on_commit_callbacks
):
    # The undo brought the first athlete's photo back from removed/ as it saved her, then
    # failed on the second (his slug taken since) and was rolled back: the files stayed
    # among the photos with no athlete using them, where the purge never looks.
    photo = stored_photo("athletes/mota.jpg")
    first = AthleteFactory(given_name="Rosa", family_name="Mota", photo=photo)
    second = AthleteFactory(given_name="Carlos", family_name="Lopes")
    page = action_page(ana, "delete_selected", first, second)
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(changelist_url(Athlete), form_data(page, form_id="delete-form"))
    deleted = Revision.objects.latest("pk")
    newcomer = AthleteFactory(given_name="Carlos", family_name="Lopes", slug=second.slug)

    with django_capture_on_commit_callbacks(execute=True):
        said = page_html(undo(ana, deleted))

    assert "this revision cannot be undone" in said
    assert not Athlete.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not any(default_storage.exists(name) for name in files_of(photo))
    assert all(default_storage.exists(removed_name(name)) for name in files_of(photo))

    # Once the slug is free again, the undo goes through and the photo is back.
    newcomer.delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert "Undone:" in page_html(undo(ana, deleted))
    assert Athlete.objects.get(pk=first.pk).photo.name == photo
    assert all(default_storage.exists(name) for name in files_of(photo))
    assert not any(default_storage.exists(removed_name(name)) for name in files_of(photo))


def test_an_undo_that_fails_on_a_database_error_after_the_athletes_save_moves_no_photo(
    ana, media_root, django_capture_on_commit_callbacks
):
    photo = stored_photo("athletes/mota.jpg")
    athlete = AthleteFactory(given_name="Rosa", family_name="Mota", photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_delete(ana, athlete).status_code == 302
    deleted = Revision.objects.latest("pk")

    def fail(sender, instance, **kwargs):
        raise OperationalError("disk I/O error")

    post_save.connect(fail, sender=Athlete, dispatch_uid="test.fail")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert undo(ana, deleted).status_code == 503
    finally:
        post_save.disconnect(sender=Athlete, dispatch_uid="test.fail")

    assert not Athlete.objects.filter(pk=athlete.pk).exists()
    assert not any(default_storage.exists(name) for name in files_of(photo))
    assert all(default_storage.exists(removed_name(name)) for name in files_of(photo))


def test_a_profile_saved_with_a_photo_still_set_aside_gets_it_back_with_thumbnails(
    ana, media_root, django_capture_on_commit_callbacks
):
    # An athlete written back without signals (a restored database) names a photo whose
    # file is still set aside, without thumbnails: saving the profile puts the photo back,
    # and the thumbnails are made from it once it is there.
    photo = "athletes/mota.jpg"
    buffer = BytesIO()
    Image.frombytes("RGB", (600, 300), os.urandom(600 * 300 * 3)).save(buffer, "JPEG")
    default_storage.save(removed_name(photo), ContentFile(buffer.getvalue()))
    athlete = AthleteFactory(given_name="Rosa", family_name="Mota")
    Athlete.objects.filter(pk=athlete.pk).update(photo=photo)
    athlete.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        assert save_change(ana, athlete, biography="Marathon.").status_code == 302

    assert all(default_storage.exists(name) for name in files_of(photo))
    assert not default_storage.exists(removed_name(photo))
    page = ana.get(athlete.get_absolute_url()).content.decode()
    assert default_storage.url(thumbnail_name(photo, 240)) in page


def sqlite_file(path, value):
    """A SQLite file at `path` holding `value`, written by a connection of its own."""
    import sqlite3

    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE answer (value INTEGER)")
        db.execute("INSERT INTO answer VALUES (?)", [value])


def test_a_kept_sqlite_connection_reads_the_file_that_replaced_its_own(tmp_path, settings):
    from django.db import connections

    from archive.sqlite.base import DatabaseWrapper

    path = tmp_path / "archive.sqlite3"
    sqlite_file(path, 1)
    database = DatabaseWrapper(
        {**connections["default"].settings_dict, "NAME": str(path), "CONN_MAX_AGE": 60},
        alias="kept",
    )
    database.ensure_connection()

    def answer():
        # What a request does first: Django's check of a kept connection (request_started).
        database.close_if_unusable_or_obsolete()
        with database.cursor() as cursor:
            cursor.execute("SELECT value FROM answer")
            return cursor.fetchone()[0]

    try:
        assert answer() == 1
        kept = database.connection
        assert answer() == 1 and database.connection is kept, "the connection is kept"
        sqlite_file(tmp_path / "restored.sqlite3", 2)
        os.replace(tmp_path / "restored.sqlite3", path)
        assert answer() == 2
    finally:
        database.close()


def test_a_gunicorn_worker_sets_what_it_loaded_aside_from_the_garbage_collector():
    import gc
    import runpy

    from django.conf import settings

    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
