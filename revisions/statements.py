"""
Queries that a database may keep as prepared statements, planned once per connection.

On PostgreSQL, planning an all-time list's query (six tables joined) takes longer than running
it: about 2 ms of the database's time per page. Run inside `prepared()`, a query is sent as a
prepared statement (`archive.postgresql`), which PostgreSQL plans once for any values and
keeps for the connection: the next pages of every discipline skip the planning.

Only the queries that ask for it are prepared. A plan for any values reads some queries badly,
so it is chosen query by query, for queries whose best plan does not depend on their values:
not a name filter's prefix range of words (docs/performance.md), nor a query that a partial
index serves, since an index's condition is matched against the query's values (the front
door's latest records took 90 ms instead of 2 read so). Elsewhere, and on SQLite (which plans
in microseconds), this changes nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_prepared = ContextVar("prepared_statements", default=False)


@contextmanager
def prepared(wanted=True):
    """Queries run in this block are sent as prepared statements where the database can."""
    token = _prepared.set(wanted)
    try:
        yield
    finally:
        _prepared.reset(token)


def wanted():
    """Whether the query about to run asked to be prepared."""
    return _prepared.get()
