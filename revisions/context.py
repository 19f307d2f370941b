"""
The revision that the writes of the current action belong to.

`revision(kind=…, user=…)` opens one for a block of code (a request, a paste, a load): every
historical snapshot written inside it is linked to one `Revision` row, created on the first
write so that an action that wrote nothing leaves no empty revision. Blocks nest: an inner
block joins the outer one, and may name its kind and comment more precisely.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_current = ContextVar("archive_revision", default=None)


@dataclass
class RevisionState:
    kind: str
    user: object = None
    comment: str = ""
    revision: object = None

    def describe(self, *, kind=None, comment=None):
        """Name the action more precisely than where the block was opened."""
        if kind:
            self.kind = kind
        if comment:
            self.comment = f"{self.comment}\n{comment}".strip() if self.comment else comment
        if self.revision is not None:
            self.revision.kind = self.kind
            self.revision.comment = self.comment
            self.revision.save(update_fields=["kind", "comment"])


@contextmanager
def revision(*, kind, user=None, comment=""):
    """Group the writes of the block into one revision (see the module docstring)."""
    outer = _current.get()
    if outer is not None:
        if kind != outer.kind or comment:
            outer.describe(kind=kind, comment=comment)
        yield outer
        return
    state = RevisionState(kind=kind, user=user, comment=comment)
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


@contextmanager
def outside_revision():
    """
    Code in this block sees no open revision, and keeps every other context variable:
    among them Django's database connection, which is one per context while an event loop
    runs in the thread (an empty `contextvars.Context()` would open another connection,
    outside the caller's transaction).
    """
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def current():
    """The open revision's state, or None outside any revision block."""
    return _current.get()


def describe(*, kind=None, comment=None):
    """Name the open revision's action; nothing outside a revision block."""
    state = _current.get()
    if state is not None:
        state.describe(kind=kind, comment=comment)
