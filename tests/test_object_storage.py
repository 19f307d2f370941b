"""
With MEDIA_STORAGE_URL set (CI's run on shared services: an S3 emulator), photos and their
thumbnails live in the bucket, every app server sees them, and replaced ones are removed.
"""

import os
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from athletes.models import Athlete, Country
from athletes.photos import THUMBNAIL_WIDTHS, thumbnail_name

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.STORAGES["default"]["BACKEND"].startswith("storages."),
        reason="MEDIA_STORAGE_URL is not set: photos are on local disk in this run",
    ),
]


def jpeg(size=(600, 300)):
    buffer = BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "JPEG")
    return SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")


def add_athlete(client, photo):
    return client.post(
        reverse("admin:athletes_athlete_add"),
        {
            "given_name": "Ana",
            "family_name": "Cabecinha",
            "slug": "ana-cabecinha",
            "sex": "W",
            "country": Country.objects.get(code="POR").pk,
            "photo": photo,
            "highlights-TOTAL_FORMS": "0",
            "highlights-INITIAL_FORMS": "0",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )


def test_a_photo_and_its_thumbnails_are_stored_in_the_bucket_and_served_from_it(
    editor_client, django_capture_on_commit_callbacks
):
    assert add_athlete(editor_client, jpeg()).status_code == 302
    athlete = Athlete.objects.get(slug="ana-cabecinha")
    names = [athlete.photo.name, *(thumbnail_name(athlete.photo.name, w) for w in THUMBNAIL_WIDTHS)]
    assert all(default_storage.exists(name) for name in names)
    with default_storage.open(thumbnail_name(athlete.photo.name, 240)) as thumb:
        assert Image.open(thumb).size == (240, 120)
    page = editor_client.get(athlete.get_absolute_url()).content.decode()
    assert default_storage.url(thumbnail_name(athlete.photo.name, 240)) in page

    with django_capture_on_commit_callbacks(execute=True):
        athlete.delete()
    assert not any(default_storage.exists(name) for name in names)
