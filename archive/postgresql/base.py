"""
Django's PostgreSQL backend, with prepared statements for the queries that ask for them
(`revisions.statements.prepared`).

Django binds parameters on the client: each query reaches PostgreSQL as text with its values
in it, and is planned anew. A query run inside `prepared()` goes through a cursor that binds on
the server instead and asks psycopg to prepare it; psycopg keeps a connection's prepared
statements (the hundred last used), PostgreSQL keeps their plans. Every other query is sent
as Django sends it. `PG_PREPARED_STATEMENTS=0` turns it off, for a pooler that cannot keep
a session's prepared statements (PgBouncer before 1.21 in transaction mode).

It also takes the lock that lets one transaction write to the archive at a time
(`revisions.writers`).
"""

from django.conf import settings
from django.db.backends.postgresql import base

from revisions import statements


class PreparingCursor(base.ServerBindingCursor):
    """A cursor binding on the server whose every query is a prepared statement."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


# The advisory lock of the archive's writers (`revisions.writers`): any number, the same in
# every process.
ARCHIVE_WRITES_LOCK = 20_030_823


class DatabaseWrapper(base.DatabaseWrapper):
    # Whether this transaction holds the writers' lock already: one query per transaction.
    holds_writes_lock = False

    def lock_archive_writes(self):
        """
        Wait for the other writers of the archive, then keep them waiting until this
        transaction ends. Outside a transaction there is nothing to keep.
        """
        if not self.in_atomic_block or self.holds_writes_lock:
            return
        with self.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ARCHIVE_WRITES_LOCK])
        self.holds_writes_lock = True

    # PostgreSQL lets the lock go when the transaction ends, or when the savepoint taken
    # before it is rolled back: the next write then asks again (asking while holding it
    # costs a query and nothing else).
    def _commit(self):
        self.holds_writes_lock = False
        return super()._commit()

    def _rollback(self):
        self.holds_writes_lock = False
        return super()._rollback()

    def _savepoint_rollback(self, sid):
        self.holds_writes_lock = False
        return super()._savepoint_rollback(sid)

    def _close(self):
        self.holds_writes_lock = False
        return super()._close()

    @property
    def prepares(self):
        """
        Whether queries asking for it are prepared: when turned on and connections are kept
        between requests (CONN_MAX_AGE): a statement prepared on a connection closed after
        the request would cost a round trip more and plan all the same.
        """
        return settings.PG_PREPARED_STATEMENTS and self.settings_dict["CONN_MAX_AGE"] != 0

    def get_connection_params(self):
        params = super().get_connection_params()
        if self.prepares:
            # A prepared query is one whose best plan is the same for any values: plan it
            # once for any, from its first run. PostgreSQL would otherwise plan it for its
            # first five runs' values, then keep a plan for any only where its estimate is
            # no dearer (it was not, for the whole archive's performances). Queries bound
            # on the client, every other one, are planned for their values as before.
            setting = "-c plan_cache_mode=force_generic_plan"
            params["options"] = f"{params.get('options', '')} {setting}".strip()
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.prepares:
            # Django turns psycopg's prepared statements off (None); Django's own cursors,
            # binding on the client, never prepare, so only `PreparingCursor`'s queries do.
            connection.prepare_threshold = 0
        return connection

    def create_cursor(self, name=None):
        if name is not None or not statements.wanted() or not self.prepares:
            return super().create_cursor(name)
        # Django's own cursor set-up (its time zone), with this class: a connection serves
        # one thread, so its factory is swapped for this one cursor.
        factory = self.connection.cursor_factory
        self.connection.cursor_factory = PreparingCursor
        try:
            return super().create_cursor(name)
        finally:
            self.connection.cursor_factory = factory
