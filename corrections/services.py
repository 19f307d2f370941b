"""
Writing reports and decisions: a reader's report, counted against its sender's hourly
allowance; an editor's acceptance (with the change that put the page right) or refusal.
Each runs `full_clean()` in one transaction, whatever calls it.
"""

import math
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .models import Correction

# A reader with more to say than this in an hour is a script, or can write to the editors.
SUBMISSIONS_PER_HOUR = 5
WINDOW = timedelta(hours=1)


class TooManyCorrections(Exception):
    """The sender has used this hour's allowance; nothing was stored."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


def seconds_until_allowed(address_digest, now=None):
    """0 when the sender may send a report now, else how long until the oldest one expires."""
    now = now or timezone.now()
    recent = Correction.objects.from_address_since(address_digest, now - WINDOW)
    times = list(
        recent.order_by("-submitted_at").values_list("submitted_at", flat=True)[
            :SUBMISSIONS_PER_HOUR
        ]
    )
    if len(times) < SUBMISSIONS_PER_HOUR:
        return 0
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds()))


@transaction.atomic
def correction_submit(*, target, what_is_wrong, source, email="", address_digest):
    """
    Store a reader's report on `target` (a `targets.Target`), open. Raises
    TooManyCorrections when the sender has sent SUBMISSIONS_PER_HOUR in the last hour.
    """
    # Counted in the database, so the limit holds across every process of the site; on
    # SQLite the transaction takes the write lock first, so two reports cannot both pass.
    wait = seconds_until_allowed(address_digest)
    if wait:
        raise TooManyCorrections(wait)
    correction = Correction(
        kind=target.kind,
        about=target.label[: Correction._meta.get_field("about").max_length],
        what_is_wrong=what_is_wrong,
        source=source,
        email=email,
        address_digest=address_digest,
        **{target.kind: target.row},
    )
    correction.full_clean()
    correction.save()
    return correction


def _decided_already(correction):
    return _("%(correction)s was %(status)s by %(who)s (%(when)s).") % {
        "correction": correction,
        "status": correction.get_status_display().lower(),
        "who": correction.decided_by or _("someone"),
        "when": date_format(localtime(correction.decided_at), "DATETIME_FORMAT"),
    }


def _decide(corrections, *, user, status, note, revision=None, change_url=""):
    """Record one decision on every report of `corrections`, all open, or none of them."""
    ids = [correction.pk for correction in corrections]
    locked = list(
        Correction.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("decided_by")
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError(_("A report chosen no longer exists: nothing was decided."))
    decided = [correction for correction in locked if not correction.is_open]
    if decided:
        raise ValidationError(
            [_("Only open reports can be decided: nothing was decided.")]
            + [_decided_already(correction) for correction in decided]
        )
    now = timezone.now()
    for correction in locked:
        correction.status = status
        correction.decided_by = user
        correction.decided_at = now
        correction.editor_note = note
        correction.revision = revision
        correction.change_url = change_url
        correction.full_clean()
        # The history's "who": a decision is written outside the editor's revision.
        correction._history_user = user
        correction.save()
    return locked


@transaction.atomic
def corrections_accept(*, corrections, user, revision=None, change_url="", note=""):
    """
    Accept open reports, naming the change that put the page right: a revision, an address
    where it shows, or both. Raises ValidationError (nothing decided) otherwise.
    """
    if revision is None and not change_url:
        raise ValidationError(
            _("Link the change you made: choose its revision or give its address.")
        )
    return _decide(
        corrections,
        user=user,
        status=Correction.Status.ACCEPTED,
        note=note,
        revision=revision,
        change_url=change_url,
    )


@transaction.atomic
def corrections_decline(*, corrections, user, note=""):
    """Decline open reports, with the editor's note. Raises ValidationError if one is decided."""
    return _decide(corrections, user=user, status=Correction.Status.DECLINED, note=note)
