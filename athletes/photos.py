"""
Athlete photos: checking an upload, cleaning it, and making the thumbnails the profile shows.

Editors upload photos straight from cameras, phones and the web, so an upload is treated as
hostile until Pillow has decoded all of it: the file name and the browser's content type
prove nothing. A photo that passes is re-encoded from its pixels, which turns it upright
(EXIF orientation) and drops the camera's metadata (GPS position, device, comments) before
anything is stored or published.

Thumbnails are written once, next to the photo, so that a profile page never resizes an
image while a visitor waits.
"""

import logging
import struct
import warnings
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow's format name -> the file extensions that may carry it (the first is the one given
# to a file whose name lies about its format) and the content type browsers are told.
ACCEPTED_FORMATS = {
    "JPEG": ((".jpg", ".jpeg"), "image/jpeg"),
    "PNG": ((".png",), "image/png"),
    "WEBP": ((".webp",), "image/webp"),
}
ACCEPTED_CONTENT_TYPES = tuple(content_type for _ext, content_type in ACCEPTED_FORMATS.values())

# Pillow reports a JPEG that carries extra pictures (phones and some cameras add a depth map
# or a large preview) as MPO; it is an ordinary JPEG to browsers and is stored as one.
FORMAT_ALIASES = {"MPO": "JPEG"}

# How each format is re-encoded: close to the original's quality without its bulk.
SAVE_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {},
    "WEBP": {"quality": 88},
}

# The widths the profile page asks for: 240 px as laid out, 480 px for high-density screens.
THUMBNAIL_WIDTHS = (240, 480)

# What Pillow's decoders raise on damaged or hostile data. UnidentifiedImageError is an
# OSError too, so it is caught before these wherever the message differs.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

MESSAGES = {
    "too_large": _("The file is %(size)s; photos may be at most %(limit)s."),
    "not_an_image": _(
        "The file is not an image, or not one this site can read. Upload a JPEG, PNG or WebP photo."
    ),
    "format": _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP photo."),
    "corrupt": _(
        "The image is damaged or incomplete. Open it in an image editor, save it again and "
        "upload the new copy."
    ),
    "too_many_pixels": _(
        "The image is %(width)s × %(height)s pixels; photos may have at most %(limit)s "
        "pixels. Make it smaller and upload it again."
    ),
    "too_many_pixels_unknown": _(
        "The image has too many pixels to be processed safely; photos may have at most "
        "%(limit)s pixels. Make it smaller and upload it again."
    ),
}


def _error(code, **params):
    message = MESSAGES[code]
    code = "too_many_pixels" if code == "too_many_pixels_unknown" else code
    return ValidationError(message, code=code, params=params or None)


def _pixel_limit():
    return number_format(settings.PHOTO_MAX_PIXELS, force_grouping=True)


@contextmanager
def _bombs_are_errors():
    """
    Pillow only warns about an image between one and two times Image.MAX_IMAGE_PIXELS, and
    a warning would let the pixels be decoded; here it stops the decoding instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


@contextmanager
def _reading(uploaded_file):
    """Pillow's errors while reading an upload, as the messages an editor sees."""
    try:
        uploaded_file.seek(0)
        with _bombs_are_errors():
            yield
    except UnidentifiedImageError as exc:
        raise _error("not_an_image") from exc
    except BOMB_ERRORS as exc:
        raise _error("too_many_pixels_unknown", limit=_pixel_limit()) from exc
    except DECODE_ERRORS as exc:
        raise _error("corrupt") from exc
    finally:
        uploaded_file.seek(0)


def _format_of(image):
    return FORMAT_ALIASES.get(image.format, image.format)


def validate_photo(uploaded_file):
    """
    Refuse an upload that is not a whole, reasonably sized JPEG, PNG or WebP image.

    The cheap checks come first (file size, then the format and dimensions Pillow reads from
    the header), so that a huge or hostile file is refused before its pixels are decoded.
    `verify()` catches broken PNG chunks but must be the last call on its image, and only a
    full `load()` of a fresh open notices a truncated JPEG (as long as
    ImageFile.LOAD_TRUNCATED_IMAGES stays False, its default).
    """
    if uploaded_file.size > settings.PHOTO_MAX_BYTES:
        raise _error(
            "too_large",
            size=filesizeformat(uploaded_file.size),
            limit=filesizeformat(settings.PHOTO_MAX_BYTES),
        )
    with _reading(uploaded_file), Image.open(uploaded_file) as image:
        image_format = _format_of(image)
        if image_format not in ACCEPTED_FORMATS:
            raise _error("format", format=image.format)
        width, height = image.size
        if width * height > settings.PHOTO_MAX_PIXELS:
            raise _error("too_many_pixels", width=width, height=height, limit=_pixel_limit())
        image.verify()
    with _reading(uploaded_file), Image.open(uploaded_file) as image:
        image.load()


def _output_mode(image, image_format):
    """
    The mode to store: what browsers display reliably in that format. CMYK and palette
    images become RGB (RGBA when they have transparency, which JPEG cannot hold).
    """
    if image_format == "JPEG":
        return "L" if image.mode == "L" else "RGB"
    if image.has_transparency_data:
        return "LA" if image_format == "PNG" and image.mode == "LA" else "RGBA"
    return "L" if image_format == "PNG" and image.mode == "L" else "RGB"


def _colour_profile(icc_profile, mode):
    """
    The ICC profile worth keeping: it is colour data, not metadata (without it a phone's
    Display P3 photo looks washed out), but only while it describes the stored pixels - a
    CMYK profile on pixels converted to RGB would distort them.
    """
    if not icc_profile:
        return None
    colour_space = b"GRAY" if mode in ("L", "LA") else b"RGB "
    return icc_profile if icc_profile[16:20] == colour_space else None


def _encode(image, image_format):
    """
    The bytes of `image` re-encoded from its pixels alone, without EXIF, XMP, comments or
    text chunks. `image` must be a copy the caller owns: its `info` is emptied, because some
    encoders fall back to the opened file's metadata when it is not passed explicitly.
    """
    icc_profile = image.info.get("icc_profile")
    mode = _output_mode(image, image_format)
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    options = dict(SAVE_OPTIONS[image_format])
    if profile := _colour_profile(icc_profile, mode):
        options["icc_profile"] = profile
    buffer = BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _name_for(file_name, image_format):
    """The upload's own name, unless its extension claims another format than its content."""
    path = PurePosixPath(file_name or "photo")
    extensions = ACCEPTED_FORMATS[image_format][0]
    if path.suffix.lower() in extensions:
        return path.name
    return f"{path.stem}{extensions[0]}"


def prepare_photo(uploaded_file):
    """
    A ContentFile of the photo as it will be stored: turned upright as its EXIF orientation
    says (browsers disagree on whether to honour it, and the tag is about to be dropped),
    stripped of metadata, in the upload's own format and under its own name.

    Call validate_photo first: this decodes the whole image.
    """
    with _reading(uploaded_file), Image.open(uploaded_file) as original:
        image_format = _format_of(original)
        if image_format not in ACCEPTED_FORMATS:
            raise _error("format", format=original.format)
        data = _encode(ImageOps.exif_transpose(original), image_format)
    return ContentFile(data, name=_name_for(uploaded_file.name, image_format))


def thumbnail_name(photo_name, width):
    """
    Where the `width` px thumbnail of a stored photo lives: "athletes/thumbs/<stem>-240.jpg"
    for "athletes/<stem>.jpg". Derived from the photo's unique storage name, so a new photo
    never reuses an old photo's thumbnails.
    """
    path = PurePosixPath(photo_name)
    return str(path.parent / "thumbs" / f"{path.stem}-{width}{path.suffix}")


def _resized(image, width):
    """`image` scaled down to `width` px wide, never up: a small photo keeps its size."""
    if image.width <= width:
        return image.copy()
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def make_thumbnails(athlete):
    """
    Write the missing thumbnails of the athlete's photo with the default storage, and return
    their names. Existing thumbnails are left alone, so calling this after every save costs
    a few existence checks.

    A photo that cannot be read (one stored before uploads were checked, or a file gone
    from the storage) is logged and skipped: the profile then falls back to the photo
    itself, and saving the athlete must not fail because of it.
    """
    if not athlete.photo:
        return []
    missing = [
        (width, name)
        for width in THUMBNAIL_WIDTHS
        if not default_storage.exists(name := thumbnail_name(athlete.photo.name, width))
    ]
    if not missing:
        return []
    written = []
    try:
        with athlete.photo.open("rb"), _bombs_are_errors(), Image.open(athlete.photo) as photo:
            image_format = _format_of(photo)
            width, height = photo.size
            if image_format not in ACCEPTED_FORMATS or width * height > settings.PHOTO_MAX_PIXELS:
                logger.warning("Not making thumbnails of unsafe photo %s", athlete.photo.name)
                return []
            upright = ImageOps.exif_transpose(photo)
            for thumb_width, name in missing:
                data = _encode(_resized(upright, thumb_width), image_format)
                written.append(default_storage.save(name, ContentFile(data)))
    except (*BOMB_ERRORS, *DECODE_ERRORS):
        logger.warning("Could not make thumbnails of %s", athlete.photo.name, exc_info=True)
    return written


def thumbnail_url(athlete, width):
    """
    The URL of the athlete's `width` px thumbnail, or of the photo itself while that
    thumbnail does not exist yet (a photo stored before thumbnails were made), so the
    profile never shows a broken image. Empty when the athlete has no photo.
    """
    if not athlete.photo:
        return ""
    name = thumbnail_name(athlete.photo.name, width)
    if default_storage.exists(name):
        return default_storage.url(name)
    return athlete.photo.url


# Where a photo that nothing uses any more goes, under its own name: out of the photos the
# site serves, and back when the change or the delete that left it is undone (an undo saves
# its athlete again, with the photo's name; see `bring_back_removed_photo`), until
# `purge_removed_photos` deletes it once PHOTO_REMOVED_DAYS have passed.
REMOVED = "removed"


def photo_files(photo_name):
    """A stored photo's file and its thumbnails' names."""
    return [photo_name, *(thumbnail_name(photo_name, width) for width in THUMBNAIL_WIDTHS)]


def removed_name(name):
    return f"{REMOVED}/{name}"


def _move(source, target):
    """Move a file within the default storage (a copy then a delete, as object stores do)."""
    with default_storage.open(source, "rb") as file:
        data = file.read()
    if default_storage.exists(target):
        default_storage.delete(target)
    default_storage.save(target, ContentFile(data))
    default_storage.delete(source)


def delete_photo_files(photo_name):
    """Move a photo that nothing uses any more, and its thumbnails, to `removed/`."""
    for name in photo_files(photo_name):
        try:
            if default_storage.exists(name):
                _move(name, removed_name(name))
        except OSError:
            logger.warning("Could not remove %s", name, exc_info=True)


def _bring_back(photo_name):
    """Move a photo's files set aside under `removed/` back among the photos."""
    for file_name in photo_files(photo_name):
        try:
            if default_storage.exists(removed_name(file_name)):
                _move(removed_name(file_name), file_name)
        except OSError:
            logger.warning("Could not bring back %s", file_name, exc_info=True)


def bring_back_removed_photo(sender, instance, raw=False, **kwargs):
    """
    pre_save: an athlete saved with a photo whose files were moved to `removed/` (the undo
    of its replacement or of the athlete's delete) gets them back, instead of pointing at
    nothing; once the save is committed: a save rolled back (an undo refused on a later row,
    a database error) leaves them set aside, where an undo finds them and the purge reaches
    them, not among the photos with no athlete using them.
    """
    name = instance.photo.name if instance.photo else ""
    if raw or not name or default_storage.exists(name):
        return
    transaction.on_commit(partial(_bring_back, name))


def photo_is_back(athlete):
    """
    Whether the athlete's photo is among the photos now, rather than still set aside and
    brought back when the save in progress is committed (`bring_back_removed_photo`).
    """
    return default_storage.exists(athlete.photo.name)


def photo_is_gone(photo_name):
    """Whether a photo's file is neither among the photos nor set aside: purged, or lost."""
    return not any(map(default_storage.exists, (photo_name, removed_name(photo_name))))


def _unused(photo_name):
    """Whether no athlete names the photo, once the change is committed (the athlete's own
    row included: changed and changed back in one transaction, it shows the photo again)."""
    from .models import Athlete

    return not Athlete.objects.filter(photo=photo_name).exists()


def forget_replaced_photo(sender, instance, raw=False, **kwargs):
    """pre_save: once the change is committed, the photo it replaces is removed."""
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("photo", flat=True).first()
    if old and old != instance.photo.name:
        transaction.on_commit(lambda: _unused(old) and delete_photo_files(old))


def forget_deleted_photo(sender, instance, **kwargs):
    """post_delete: once the delete is committed, the athlete's photo is removed."""
    name = instance.photo.name
    if name:
        transaction.on_commit(lambda: _unused(name) and delete_photo_files(name))


def _stored_files(folder):
    """
    The names of the files under `folder`, through the storage's API alone: on an object
    store folders are only prefixes, and one that holds nothing does not exist.
    """
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _stored_files(f"{folder}/{name}")


def purge_removed_photos(*, older_than, dry_run=False):
    """
    Delete the files set aside under `removed/` more than `older_than` days ago (their
    storage's modification time is when they were moved there) and return each one's name
    and that time; with `dry_run`, only return them. An undo that would give one back is
    refused then (`Athlete.undo_refusal`). A file that a current athlete's photo names, or its
    thumbnail, is kept whatever its age: it is that photo's only copy.
    """
    from .models import Athlete

    before = timezone.now() - timedelta(days=older_than)
    photos = Athlete.objects.exclude(photo="").values_list("photo", flat=True).distinct()
    in_use = {removed_name(name) for photo in photos for name in photo_files(photo)}
    purged = []
    for name in sorted(_stored_files(REMOVED)):
        if name in in_use:
            continue
        set_aside = default_storage.get_modified_time(name)
        if set_aside >= before:
            continue
        if not dry_run:
            default_storage.delete(name)
        purged.append((name, set_aside))
    return purged
