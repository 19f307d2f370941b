"""
Writing millions of rows at once: a table's secondary indexes dropped for the load and built
once after it (and on PostgreSQL its foreign keys checked once after it), and the database's
settings for a bulk load. `generate_archive` fills an archive this way, and
`bestmarks.rebuild(bulk=True)` the tables derived from it.
"""

import time
from contextlib import contextmanager

from django.db import connection, transaction


def secondary_indexes(cursor, table):
    """
    [(name, SQL)] of the table's indexes that are neither unique nor the primary key, as
    the database itself defines them: running the SQL again makes the same index.
    """
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary "
            "ORDER BY c.relname",
            [connection.ops.quote_name(table)],
        )
        return cursor.fetchall()
    cursor.execute(f"PRAGMA index_list({connection.ops.quote_name(table)})")
    plain = {row[1] for row in cursor.fetchall() if not row[2] and row[3] == "c"}
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s ORDER BY name",
        [table],
    )
    return [(name, sql) for name, sql in cursor.fetchall() if name in plain]


@contextmanager
def indexes_dropped(model):
    """
    `model`'s table without its secondary indexes (`secondary_indexes`), built again at the end,
    once, instead of row by row; yields a dict whose "seconds" is then how long that took.
    """
    with connection.cursor() as cursor:
        indexes = secondary_indexes(cursor, model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    built = {"seconds": 0.0}
    try:
        yield built
    finally:
        began = time.perf_counter()
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # PostgreSQL builds no index on a table with foreign-key checks still deferred
            # to the end of the (test's) transaction: run them now.
            connection.check_constraints()
        with transaction.atomic(), connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
        built["seconds"] = time.perf_counter() - began


@contextmanager
def foreign_keys_dropped(model):
    """
    On PostgreSQL, `model`'s foreign keys dropped for a load inside one transaction and added
    again at its end, each checked then by one join rather than by a trigger for every row
    written: two million listed marks took 33 s with their four keys checked row by row, and
    under a second without. A row that breaks a key fails the ADD, and the transaction with
    it. Only inside a transaction (which takes the drop back if the load fails): a load
    committed in batches would leave the table without its keys if the process died. SQLite
    cannot drop a constraint; it checks keys as it writes, and nothing changes there.
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        keys = cursor.fetchall()
        # Dropping or adding a key alters the table it refers to too, which PostgreSQL
        # refuses while checks of that table's rows are still deferred (rows a test wrote
        # in its transaction): they are run first.
        connection.check_constraints()
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    connection.check_constraints()
    with connection.cursor() as cursor:
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


@contextmanager
def loaded_in_bulk(model):
    """
    `model`'s table for a load of many rows: its secondary indexes built once after it
    (`indexes_dropped`), and on PostgreSQL inside a transaction its foreign keys checked once
    after it (`foreign_keys_dropped`).
    """
    with indexes_dropped(model), foreign_keys_dropped(model):
        yield


# For the load only: the database may lose the last commits if the machine crashes (not
# the process), which is nothing for data that a command makes again; a large page cache
# and temporary sorts in memory make the index builds quick.
SQLITE_PRAGMAS = {"synchronous": "OFF", "cache_size": "-262144", "temp_store": "MEMORY"}
POSTGRESQL_SETTINGS = {"synchronous_commit": "off", "maintenance_work_mem": "'512MB'"}


@contextmanager
def load_settings():
    """
    The database's settings for a bulk load, restored afterwards. Inside a transaction (a
    test's) none is changed: SQLite refuses to change `synchronous` there.
    """
    if connection.in_atomic_block:
        yield False
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            saved = {}
            for name, value in SQLITE_PRAGMAS.items():
                cursor.execute(f"PRAGMA {name}")
                saved[name] = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA {name} = {value}")
        else:
            for name, value in POSTGRESQL_SETTINGS.items():
                cursor.execute(f"SET {name} = {value}")
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name, value in saved.items():
                    cursor.execute(f"PRAGMA {name} = {int(value)}")
            else:
                for name in POSTGRESQL_SETTINGS:
                    cursor.execute(f"RESET {name}")


def refresh_statistics():
    """
    Fresh planner statistics (ANALYZE), as a live database keeps. On PostgreSQL, outside a
    transaction, VACUUM too: it marks the pages just written all-visible, so an index-only scan
    reads the index alone from the first request instead of from whenever autovacuum comes by
    (a nation's medal tables read 671 table pages instead of 10 until it did).
    """
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
