"""Forms editors use; the public site only reads."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import normalize_newlines

from revisions.forms import VersionedForm

from .models import Athlete, Highlight, problems_of_rows
from .photos import ACCEPTED_CONTENT_TYPES, prepare_photo, validate_photo


class PhotoField(forms.FileField):
    """
    The upload field for a photo. Unlike forms.ImageField it does not open the file with
    Pillow itself: that would answer a decompression bomb or a non-image with one generic
    message before `clean_photo` could say what is wrong, and decode the file once more.
    validate_photo does all the image checks instead.
    """

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            # Only a hint to the browser's file picker; the server checks the content.
            attrs["accept"] = ",".join(ACCEPTED_CONTENT_TYPES)
        return attrs


class TextareaField(forms.CharField):
    """
    Text typed in a textarea, with the line endings the archive keeps (LF). Browsers send
    CR LF: kept as sent, an unchanged biography would count as changed in the history.
    """

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


class AthleteAdminForm(VersionedForm):
    """
    The athlete form of the admin, which checks and cleans an uploaded photo, and refuses an
    edit that the athlete's results contradict (`problems_of_rows`).
    """

    class Meta:
        model = Athlete
        fields = [
            "slug",
            "given_name",
            "family_name",
            "sex",
            "date_of_birth",
            "birthplace",
            "country",
            "photo",
            "photo_credit",
            "biography",
            "retired_on",
            "sources",
        ]
        field_classes = {"photo": PhotoField, "biography": TextareaField}

    def clean_photo(self):
        """
        Check a new upload and store the cleaned copy (upright, without metadata) under the
        upload's name. The current photo (unchanged) and False (cleared) pass through: they
        were checked when uploaded.
        """
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            validate_photo(photo)
            return prepare_photo(photo)
        return photo

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is not None and not self.errors:
            # His rows must still hold for him as edited: each result's event of his sex,
            # after his birth and before his retirement.
            stored = Athlete.objects.get(pk=self.instance.pk)
            for problem in problems_of_rows(self.instance, self.instance, before=stored):
                self.add_error(None, problem)


class HighlightForm(VersionedForm):
    """A highlight as typed on the athlete's page of the admin."""

    class Meta:
        model = Highlight
        fields = ["position", "kind", "title", "text", "source"]
        field_classes = {"text": TextareaField}
