"""
The state of a group of rows, for the editors' tools that act on more than one row: a paste
into an event (the event and its results), a merge (two athletes and their results), a copy
to the next edition (two competitions and their events).

The page that shows what the tool will do carries a signed token of the rows' versions as
they were shown; the action locks the rows, and if any of them changed, appeared or went
meanwhile it is refused with who changed what since, instead of acting on what the editor
did not see.
"""

import hashlib
from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .history import describe
from .writers import wait_for_writers

SALT = "revisions.tokens"


def _digest(scopes, lock=False):
    """A digest of (model, pk, version) of every row of the scopes [(model, filters)]."""
    rows = []
    for model, filters in scopes:
        queryset = model._default_manager.filter(**filters).order_by()
        if lock:
            wait_for_writers()
            queryset = queryset.select_for_update(of=("self",))
        rows.extend(
            (model._meta.label_lower, pk, version)
            for pk, version in queryset.values_list("pk", "version")
        )
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def scope_token(scopes):
    """The token a page carries for the rows it shows."""
    return signing.dumps({"digest": _digest(scopes), "at": timezone.now().isoformat()}, salt=SALT)


def check_scope_token(token, scopes):
    """
    Lock the rows of `scopes` and raise ValidationError, with one line per change made
    since, when they are no longer as the token saw them (or the token is not one).
    """
    try:
        seen = signing.loads(token or "", salt=SALT)
        shown_at = datetime.fromisoformat(seen["at"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("This page is out of date or was altered: open it again; nothing was saved."),
            code="altered",
        ) from None
    if _digest(scopes, lock=True) == seen["digest"]:
        return
    lines = [
        _(
            "Since this page was shown, others changed the rows it is about: nothing was "
            "saved. Check the page as it is now and try again."
        )
    ]
    records = []
    for model, filters in scopes:
        history = model.history.model.objects.filter(**_history_filters(filters))
        records.extend(history.filter(history_date__gt=shown_at).select_related("history_user"))
    for record in sorted(records, key=lambda record: record.history_date):
        change = describe(record)
        when = date_format(localtime(record.history_date), "DATETIME_FORMAT")
        lines.append(f"{change.who}, {when}: {change.summary()}")
    raise ValidationError(lines)


def _history_filters(filters):
    """The same filters on a historical table, where the primary key is a plain column."""
    return {
        key.replace("pk", "id", 1) if key.startswith("pk") else key: value
        for key, value in filters.items()
    }


def run_if_unchanged(token, scopes, action):
    """
    Run `action()` in one transaction, the rows of `scopes` locked, if they are still as the
    page's `token` saw them, and return []; else run nothing and return the lines saying what
    changed since. A ValidationError from `action` rolls it all back and goes to the caller.
    """
    with transaction.atomic():
        try:
            check_scope_token(token, scopes)
        except ValidationError as error:
            return error.messages
        action()
    return []
