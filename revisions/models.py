"""
Who changed what, when, and how to take it back.

Every archive model keeps its history through django-simple-history: each save or delete
writes a snapshot of the row (`history`), many-to-many citations included. A `Revision`
groups the snapshots of one editor's action: a save in the admin with its inline rows, a
pasted result list, a merge, a copy to the next edition, a delete and every row it took
with it, a fixture load. An editor undoes a revision in one action (`services.revision_undo`).

Every archive row also has a `version`, moved on by each save: an admin form remembers the
version it was read at, and a save over a newer version is refused (`forms.VersionedForm`),
so that two editors never silently revert each other.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .loading import QuickLoad


class Revision(models.Model):
    """One editor's action, and the snapshots of every row it wrote."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("Edit")
        # The noun, in a context of its own: Django's admin uses "Delete" for its button.
        DELETE = "delete", pgettext_lazy("kind of revision", "Delete")
        PASTE = "paste", _("Pasted result list")
        MERGE = "merge", _("Merge")
        COPY = "copy", _("Copy to the next edition")
        LOAD = "load", _("Fixture load")
        UNDO = "undo", _("Undo")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_revisions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EDIT)
    comment = models.TextField(_("what"), blank=True)
    undone_by = models.OneToOneField(
        "self",
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="undoes",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        who = self.user or _("the system")
        return _("%(kind)s by %(who)s, %(when)s") % {
            "kind": self.get_kind_display(),
            "who": who,
            "when": f"{self.created_at:%Y-%m-%d %H:%M}",
        }

    def get_absolute_url(self):
        return reverse("admin:revisions_revision_change", args=[self.pk])

    @property
    def summary(self):
        """What it did, in a line: "Changed athlete “Usain Bolt”."."""
        return capfirst(self.comment.splitlines()[0]) if self.comment else ""

    @property
    def autocomplete_label(self):
        """How a picker offers it: its kind, who and when, and what it did."""
        return f"{self}: {self.summary}" if self.summary else str(self)


class RevisionLink(models.Model):
    """What every historical table adds to simple-history's columns: its revision."""

    revision = models.ForeignKey(
        Revision,
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class NaturalKeyManager(models.Manager):
    """
    A manager whose `get_by_natural_key()` reads the parts of a natural key as `lookups`, in
    order: `NaturalKeyManager("athlete__slug", "position")` for a highlight.
    """

    def __init__(self, *lookups):
        super().__init__()
        self.lookups = lookups

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.lookups, key, strict=True)))


# The history of every archive model: one object serves them all (`inherit=True`).
ARCHIVE_HISTORY = HistoricalRecords(
    inherit=True,
    bases=[RevisionLink],
    m2m_fields_model_field_name="history_m2m_fields",
)


@contextmanager
def one_snapshot(instance, *, created):
    """
    The writes of the block to `instance` (its save, its citations) kept as one snapshot,
    taken at the end, citations included: by default a save takes one and each change of
    its citations another, so a loaded result showed as added, then changed. The block
    yields a list: append to it when it wrote anything, else no snapshot is taken.
    """
    written = []
    instance.skip_history_when_saving = True  # django-simple-history's own switch
    try:
        yield written
    finally:
        del instance.skip_history_when_saving
    if written:
        ARCHIVE_HISTORY.create_historical_record(instance, "+" if created else "~")


class ArchiveModel(QuickLoad, models.Model):
    """
    A model of the archive's data: versioned for conflict checks, with its history kept.
    Many-to-many fields named in `history_m2m_fields` are kept in the history too. Rows read
    from the database are built quickly (`loading.QuickLoad`).
    """

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    history = ARCHIVE_HISTORY

    history_m2m_fields = ()

    class Meta:
        abstract = True

    def history_value(self, name, value):
        """A value of this row's field as its history shows it; marks override it."""
        return value

    def undo_refusal(self, replaced):
        """
        Why an undo cannot write this row back as a snapshot holds it, over `replaced` (the
        row as the undone revision left it; None when it deleted it): a message, or None.
        Athletes refuse a photo whose file is gone.
        """
        return None

    def undo_files_gone(self, replaced):
        """
        The file fields (names) an undo would write back as this snapshot holds them, over
        `replaced`, though their files are gone (purged since): what `undo_refusal` refuses,
        and what an editor may choose to have the undo leave empty instead.
        """
        return []
