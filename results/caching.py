"""
The one cache of the archive: tables that aggregate the whole archive (all-time medal
tables) cost hundreds of milliseconds on millions of results, so `make bench` proved they
must be cached (see docs/benchmarks.md).

Invalidation is a single mechanism: every save, delete or many-to-many change of a model
of the `athletes` or `results` apps moves `ArchiveVersion.number` on, in the same
transaction as the change, and every cache key holds that number. A change is therefore
visible on the next request, in every process, and an old entry is simply never read
again (the cache evicts it). Code that writes with `bulk_create()` or `update()`, which send
no signals, calls `archive_changed()` itself.
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db.models import F
from django.utils import timezone

from .models import ArchiveVersion

TIMEOUT = 60 * 60 * 24

# The archive's state as read once for a request that only reads (see `pinned_state`).
_pinned = ContextVar("archive_state", default=None)


def archive_state():
    """(version number, when it last moved on): one query, none more within a pinned read."""
    state = _pinned.get()
    if state is None:
        row = ArchiveVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
        state = row or (0, None)
    return state


def current_version():
    return archive_state()[0]


@contextmanager
def pinned_state():
    """
    Read the archive's state once for a request that writes nothing (a public page): every
    cached table of the page then shares that one query. Never around a write, whose own
    change must move the version on under it.
    """
    token = _pinned.set(archive_state())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


# Within a batch of writes (`one_change`), what moved the version on, if anything.
_batch = ContextVar("archive_batch", default=None)


def archive_changed(**kwargs):
    """Move the archive's version on; connected to every archive model's signals."""
    batch = _batch.get()
    if batch is not None:
        batch["changed"] = True
        return
    now = timezone.now()
    updated = ArchiveVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now)
    if not updated:
        ArchiveVersion.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


@contextmanager
def one_change():
    """
    Within this block the version moves on once, at its end (still inside the caller's
    transaction), however many rows it writes: a fixture load or a pasted sheet saves
    hundreds, and each save's own update of the one version row was a query more.
    """
    if _batch.get() is not None:
        yield
        return
    token = _batch.set({"changed": False})
    try:
        yield
        changed = _batch.get()["changed"]
    finally:
        _batch.reset(token)
    if changed:
        archive_changed()


def cached_value(name, compute):
    """`compute()` cached under `name` and the archive's version: any change retires it."""
    key = f"archive:{current_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached_query(name, queryset, compute):
    """
    `compute()` for `queryset`, cached under the query's own SQL and the archive's version:
    two requests with the same filters share the entry; any change to the data retires it.
    With no cache configured (`CACHE_URL=dummy://`) the query is not compiled for a key that
    nothing would store: compiling it costs a filtered medal table about a millisecond.
    """
    if isinstance(caches["default"], DummyCache):
        return compute()
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    return cached_value(f"{name}:{digest}", compute)
