"""
What the suite reads straight from the SQLite file, beside the server: a checksum of the
archive's tables, row counts, and the rows an editor's save should have left.
"""

import hashlib
import sqlite3
from contextlib import closing, contextmanager

# The archive's own tables: athletes_* and results_*, not their history (historical*),
# which every save writes and no read-only request may.
ARCHIVE_PREFIXES = ("athletes_", "results_")


def connect(path, read_only=True):
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    connection = sqlite3.connect(uri, uri=True, timeout=30)
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


@contextmanager
def snapshot(path):
    """A read transaction: every query inside sees the database at one instant."""
    with closing(connect(path)) as connection:
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def archive_tables(connection):
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    return [
        name for (name,) in rows if name.startswith(ARCHIVE_PREFIXES) and "historical" not in name
    ]


def all_tables(connection):
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def table_digest(connection, table):
    digest = hashlib.sha256()
    for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def checksum(path):
    """One digest of every row of the archive's tables, read in one transaction."""
    with snapshot(path) as connection:
        digest = hashlib.sha256()
        for table in archive_tables(connection):
            digest.update(table.encode())
            digest.update(table_digest(connection, table).encode())
        return digest.hexdigest()


def table_digests(path, tables=None):
    """{table: (row count, digest)} of `tables` (every table when None), in one transaction."""
    with snapshot(path) as connection:
        names = tables if tables is not None else all_tables(connection)
        return {
            table: (
                connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0],
                table_digest(connection, table),
            )
            for table in names
        }


def row_counts(path):
    with snapshot(path) as connection:
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in archive_tables(connection)
        }


def integrity(path):
    with closing(connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def query(path, sql, parameters=()):
    with closing(connect(path)) as connection:
        return connection.execute(sql, parameters).fetchall()


def checkpoint(path):
    """Move the write-ahead log into the database file and empty it."""
    with closing(connect(path, read_only=False)) as connection:
        return connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
