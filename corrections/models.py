"""
Readers' reports of a mistake on a page of the archive, queued for the editors.

A reader tells what is wrong on an athlete's, a competition's or an event's page and where
the right fact can be read; nothing public changes until an editor decides. An editor
accepts a report by linking the change made (the `Revision` that recorded it, or an
address), or declines it; every state of a report is kept in its history.

Reports are not archive data: saving one neither moves the archive's version (so cached
pages stay, see `results.caching`) nor joins an editor's revision (see `DecisionHistory`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from athletes.models import Athlete
from results.models import Competition, Event
from revisions.context import outside_revision
from revisions.models import Revision

# How much a reader may write: a paragraph or two, not a document.
MAX_TEXT = 4000
MAX_SOURCE = 1000


class DecisionHistory(HistoricalRecords):
    """
    simple-history's snapshots, kept apart from the archive's revisions. A snapshot written
    while a revision is open (every admin POST opens one, `revisions.middleware`) is linked
    to it, which would list an editor's decision on a report among the changes to the
    archive, as a revision with nothing to undo: the snapshot is written outside it. Who
    wrote it is set on the row itself (`_history_user`), as the services do.
    """

    def create_historical_record(self, instance, history_type, using=None):
        with outside_revision():
            super().create_historical_record(instance, history_type, using)


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Correction.Status.OPEN)

    def from_address_since(self, address_digest, since):
        """The reports sent from one address (as stored, a digest) since `since`."""
        return self.filter(address_digest=address_digest, submitted_at__gte=since)


class Correction(models.Model):
    """A reader's report of a mistake on one page, and an editor's decision on it."""

    class Kind(models.TextChoices):
        ATHLETE = "athlete", _("Athlete")
        COMPETITION = "competition", _("Competition")
        EVENT = "event", _("Event")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # A report outlives the row it is about (a merged athlete, a deleted event): the link
    # goes, the name it had (`about`) stays. No reverse accessor: the archive's own code
    # walks the rows pointing at an athlete (merging two records moves them all, versioned)
    # and must not meet the layer above it there.
    athlete = models.ForeignKey(
        Athlete,
        verbose_name=_("athlete"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    about = models.CharField(_("about"), max_length=300, help_text=_("The page's title."))
    what_is_wrong = models.TextField(_("what is wrong"), max_length=MAX_TEXT)
    source = models.TextField(_("source"), max_length=MAX_SOURCE)
    email = models.EmailField(_("email"), blank=True)
    # Never the address itself: a keyed digest of it (see `addresses`), enough to count a
    # sender's reports and nothing more.
    address_digest = models.CharField(_("sender"), max_length=64, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    editor_note = models.TextField(_("editor's note"), blank=True, max_length=MAX_TEXT)
    # The change that put it right. A revision linked here cannot be deleted: the report's
    # record would lose what its acceptance rests on.
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("change made"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_url = models.URLField(
        _("address of the change"),
        max_length=500,
        blank=True,
        help_text=_("Where the change can be seen, when no revision records it."),
    )

    history = DecisionHistory(excluded_fields=["address_digest"], cascade_delete_history=False)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        # The editors' queue: open reports first, the newest of each status on top.
        ordering = [
            Case(When(status="open", then=Value(0)), default=Value(1)).asc(),
            "-submitted_at",
            "-pk",
        ]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [
            models.Index(fields=["address_digest", "submitted_at"], name="correction_sender_idx"),
            models.Index(fields=["status", "submitted_at"], name="correction_queue_idx"),
        ]
        constraints = [
            # At most the row of its own kind: none once that row is gone.
            models.CheckConstraint(
                condition=(
                    Q(kind="athlete", competition__isnull=True, event__isnull=True)
                    | Q(kind="competition", athlete__isnull=True, event__isnull=True)
                    | Q(kind="event", athlete__isnull=True, competition__isnull=True)
                ),
                name="correction_about_its_kind",
            ),
            # Open means undecided; a decision says when.
            models.CheckConstraint(
                condition=(
                    Q(status="open", decided_at__isnull=True)
                    | (~Q(status="open") & Q(decided_at__isnull=False))
                ),
                name="correction_decided_when",
            ),
            # An acceptance names the change that put the page right.
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(revision__isnull=False) | ~Q(change_url=""),
                name="correction_accepted_links_change",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} “{self.about}”, {self.submitted_at:%Y-%m-%d %H:%M}"

    @property
    def target(self):
        """The athlete, competition or event reported on; None once it was deleted."""
        # Each kind is named as the foreign key that points at its row.
        return getattr(self, self.kind)

    @property
    def is_open(self):
        return self.status == self.Status.OPEN
