"""
Athlete photo uploads: only whole JPEG, PNG and WebP images of a sane size get in, they are
stored upright and without metadata, and the profile shows thumbnails made once, at save.
"""

import os
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile

from athletes.models import Athlete
from athletes.photos import (
    THUMBNAIL_WIDTHS,
    make_thumbnails,
    prepare_photo,
    thumbnail_name,
    thumbnail_url,
    validate_photo,
)

from .factories import AthleteFactory
from .helpers import athlete_form

FILE_STORAGE = "django.core.files.storage.FileSystemStorage"
ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """
    Every test stores its files in its own directory, never in var/media: these tests are
    about the photo pipeline, on the local storage whatever the run's MEDIA_STORAGE_URL
    (tests/test_object_storage.py covers the object storage).
    """
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": FILE_STORAGE}}
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(image_format="JPEG", size=(20, 10), mode="RGB", **options):
    """A real image of random pixels, so that it compresses like a photo, not a flat colour."""
    width, height = size
    pixels = os.urandom(width * height * len(mode))
    buffer = BytesIO()
    Image.frombytes(mode, size, pixels).save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(data, name="portrait.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def rotated_jpeg():
    """A 20 x 10 JPEG whose EXIF says: display turned 90° clockwise (so 10 x 20)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "Secret Camera"
    return image_bytes("JPEG", (20, 10), exif=exif.tobytes(), comment=b"Secret comment")


def png_header(width, height):
    """The start of a PNG that claims `width` x `height` pixels and holds none of them."""

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def refusal(uploaded_file):
    """The ValidationError validate_photo raises, with its message as an editor reads it."""
    with pytest.raises(ValidationError) as caught:
        validate_photo(uploaded_file)
    return caught.value.code, " ".join(caught.value.messages)


def open_stored(name, media_root):
    return Image.open(media_root / name)


# Checking an upload.


@pytest.mark.parametrize(
    ("image_format", "name", "mode"),
    [
        ("JPEG", "portrait.jpg", "RGB"),
        ("PNG", "portrait.png", "RGBA"),
        ("WEBP", "portrait.webp", "RGB"),
    ],
)
def test_real_photos_are_accepted_and_keep_their_format_and_name(image_format, name, mode):
    photo = upload(image_bytes(image_format, (30, 20), mode), name)

    validate_photo(photo)
    prepared = prepare_photo(photo)

    assert prepared.name == name
    with Image.open(BytesIO(prepared.read())) as image:
        assert image.format == image_format
        assert image.size == (30, 20)
        assert image.mode == mode


def test_a_phone_jpeg_with_extra_pictures_is_accepted_as_a_jpeg():
    # Pillow calls a JPEG carrying a second picture (a depth map, a preview) MPO.
    second = Image.new("RGB", (20, 10))
    data = image_bytes("MPO", save_all=True, append_images=[second])
    photo = upload(data)
    with Image.open(BytesIO(data)) as image:
        assert image.format == "MPO"

    validate_photo(photo)
    prepared = prepare_photo(photo)

    assert prepared.name == "portrait.jpg"
    with Image.open(BytesIO(prepared.read())) as image:
        assert image.format == "JPEG"


def test_exif_orientation_is_applied_and_the_exif_dropped():
    prepared = prepare_photo(upload(rotated_jpeg()))

    data = prepared.read()
    with Image.open(BytesIO(data)) as image:
        assert image.size == (10, 20)
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Secret Camera" not in data
    assert b"Secret comment" not in data


def test_a_matching_colour_profile_is_kept_and_a_mismatched_one_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    # A profile for CMYK ink (the colour space is bytes 16-20 of the header): once the pixels
    # are converted to RGB it no longer describes them.
    cmyk_profile = srgb[:16] + b"CMYK" + srgb[20:]
    rgb = prepare_photo(upload(image_bytes("JPEG", icc_profile=srgb)))
    cmyk = prepare_photo(upload(image_bytes("JPEG", mode="CMYK", icc_profile=cmyk_profile)))

    with Image.open(BytesIO(rgb.read())) as image:
        assert image.info["icc_profile"] == srgb
    with Image.open(BytesIO(cmyk.read())) as image:
        assert image.mode == "RGB"
        assert "icc_profile" not in image.info


def test_a_file_named_like_another_format_is_stored_under_its_real_extension():
    prepared = prepare_photo(upload(image_bytes("PNG"), "portrait.jpg"))

    assert prepared.name == "portrait.png"


def test_cmyk_and_palette_images_are_stored_as_rgb():
    cmyk = prepare_photo(upload(image_bytes("JPEG", mode="CMYK")))
    palette = prepare_photo(upload(image_bytes("PNG", mode="P"), "portrait.png"))

    for prepared in (cmyk, palette):
        with Image.open(BytesIO(prepared.read())) as image:
            assert image.mode == "RGB"


def test_a_renamed_text_file_is_refused():
    code, message = refusal(upload(b"Not a photo, just notes.\n" * 20, "portrait.jpg"))

    assert code == "not_an_image"
    assert "not an image" in message


def test_a_gif_is_refused():
    code, message = refusal(upload(image_bytes("GIF", mode="L"), "portrait.gif"))

    assert code == "format"
    assert "GIF images are not accepted" in message


def test_a_truncated_jpeg_is_refused():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    whole = image_bytes("JPEG", (64, 64))

    code, message = refusal(upload(whole[: len(whole) // 2]))

    assert code == "corrupt"
    assert "damaged or incomplete" in message


def test_a_file_over_the_size_limit_is_refused(settings):
    data = image_bytes("JPEG", (64, 64))
    settings.PHOTO_MAX_BYTES = len(data) - 1

    code, message = refusal(upload(data))

    assert code == "too_large"
    assert "photos may be at most" in message


def test_an_image_with_more_pixels_than_allowed_is_refused(settings):
    settings.PHOTO_MAX_PIXELS = 199

    code, message = refusal(upload(image_bytes("JPEG", (20, 10))))

    assert code == "too_many_pixels"
    assert "20 × 10 pixels" in message
    assert "at most 199 pixels" in message


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        # 50 million pixels: over PHOTO_MAX_PIXELS but under Pillow's own warning threshold.
        (10_000, 5_000, "10000 × 5000 pixels"),
        # Ten billion pixels: Pillow refuses to open it at all (DecompressionBombError).
        (100_000, 100_000, "too many pixels"),
    ],
    ids=["over the limit", "huge"],
)
def test_a_header_claiming_too_many_pixels_is_refused_before_decoding(width, height, expected):
    code, message = refusal(upload(png_header(width, height), "bomb.png"))

    assert code == "too_many_pixels"
    assert expected in message


def test_pillows_bomb_warning_is_a_refusal_too(settings):
    # With a generous limit, only Pillow's own check (a warning above ~89 million pixels)
    # stands between the header and decoding: it must stop the upload, not just warn.
    settings.PHOTO_MAX_PIXELS = 10**9

    code, _message = refusal(upload(png_header(10_000, 10_000), "bomb.png"))

    assert code == "too_many_pixels"


# Thumbnails.


def test_thumbnail_names_keep_the_photo_stem_and_extension():
    assert thumbnail_name("athletes/perez.jpg", 240) == "athletes/thumbs/perez-240.jpg"
    assert thumbnail_name("athletes/perez.webp", 480) == "athletes/thumbs/perez-480.webp"


@pytest.mark.django_db
def test_thumbnails_are_made_once_at_the_widths_the_profile_uses(media_root):
    athlete = AthleteFactory(photo=prepare_photo(upload(image_bytes("JPEG", (600, 300)))))

    written = make_thumbnails(athlete)

    assert written == [thumbnail_name(athlete.photo.name, width) for width in THUMBNAIL_WIDTHS]
    for width in THUMBNAIL_WIDTHS:
        with open_stored(thumbnail_name(athlete.photo.name, width), media_root) as thumb:
            assert thumb.format == "JPEG"
            assert thumb.size == (width, width // 2)
    assert make_thumbnails(athlete) == []


@pytest.mark.django_db
def test_a_photo_without_thumbnails_is_shown_itself():
    athlete = AthleteFactory(photo=prepare_photo(upload(image_bytes("PNG"), "portrait.png")))

    assert thumbnail_url(athlete, 240) == athlete.photo.url
    make_thumbnails(athlete)
    assert athlete.photo_thumbnail_url == "/media/athletes/thumbs/portrait-240.png"
    assert athlete.photo_thumbnail_2x_url == "/media/athletes/thumbs/portrait-480.png"


@pytest.mark.django_db
def test_an_unreadable_stored_photo_does_not_stop_a_save(media_root):
    (media_root / "athletes").mkdir(parents=True)
    (media_root / "athletes" / "broken.jpg").write_bytes(b"not an image")
    athlete = AthleteFactory(photo="athletes/broken.jpg")

    assert make_thumbnails(athlete) == []
    assert athlete.photo_thumbnail_url == athlete.photo.url


# Through the admin.


def post_athlete(editor_client, photo):
    return editor_client.post(reverse("admin:athletes_athlete_add"), athlete_form(photo))


def test_a_bad_upload_is_refused_in_the_admin_and_saves_nothing(
    editor_client, reference_data, media_root
):
    response = post_athlete(editor_client, upload(b"Not a photo.\n" * 20, "portrait.jpg"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "not an image" in errors["photo"][0]
    assert "not an image" in response.content.decode()
    assert not Athlete.objects.exists()
    assert not (media_root / "athletes").exists()


def test_a_bomb_is_refused_in_the_admin_with_its_own_message(editor_client, reference_data):
    response = post_athlete(editor_client, upload(png_header(100_000, 100_000), "bomb.png"))

    assert response.status_code == 200
    assert "too many pixels" in response.context["adminform"].form.errors["photo"][0]
    assert not Athlete.objects.exists()


def test_a_good_upload_is_stored_with_thumbnails_and_shown_on_the_profile(
    editor_client, reference_data, media_root
):
    response = post_athlete(editor_client, upload(image_bytes("JPEG", (600, 300))))

    assert response.status_code == 302
    athlete = Athlete.objects.get(slug="ana-cabecinha")
    assert athlete.photo.name == "athletes/portrait.jpg"
    assert (media_root / athlete.photo.name).is_file()
    for width in THUMBNAIL_WIDTHS:
        assert (media_root / thumbnail_name(athlete.photo.name, width)).is_file()

    page = editor_client.get(athlete.get_absolute_url()).content.decode()
    assert 'src="/media/athletes/thumbs/portrait-240.jpg"' in page
    assert "/media/athletes/thumbs/portrait-480.jpg 2x" in page

    change = editor_client.get(reverse("admin:athletes_athlete_change", args=[athlete.pk]))
    assert '<img src="/media/athletes/thumbs/portrait-240.jpg"' in change.content.decode()


def test_the_stored_photo_is_upright_and_has_no_exif(editor_client, reference_data, media_root):
    response = post_athlete(editor_client, upload(rotated_jpeg()))

    assert response.status_code == 302
    athlete = Athlete.objects.get(slug="ana-cabecinha")
    with open_stored(athlete.photo.name, media_root) as stored:
        assert stored.size == (10, 20)
        assert not stored.getexif()
    assert b"Secret Camera" not in (media_root / athlete.photo.name).read_bytes()


def test_the_add_form_says_there_is_no_photo_yet(editor_client, reference_data):
    response = editor_client.get(reverse("admin:athletes_athlete_add"))

    assert "No photo" in response.content.decode()
