"""
Writes to the archive, one transaction at a time.

A change to a result is followed, in its own transaction, by the tables derived from it
(`results.bestmarks`): the athlete's best mark counted again, the medal tallies of the
athlete and the nation counted again, the lists' counts moved. On PostgreSQL two editors'
saves run side by side, and each reads those tables as they were before the other's commit:
two medals of one nation saved at once both deleted and wrote the nation's tally, and the
second save failed on the tally's key (an error page, the editor's change lost); two
transactions moving the same counts in another order could deadlock.

So a transaction takes one lock before its first write to the archive's models
(`pre_save` and `pre_delete`), and keeps it until it ends: writers wait for each other, and
each then reads what the one before committed. Readers never wait (PostgreSQL's snapshots).
A writer that reads or locks rows before it writes takes it first: an editor's form before
its checks (two editors adding one athlete at once: the second is told the slug is taken,
where the database refused the second save with an error page), a paste, a merge or an undo
before checking what it was shown, a fixture load before checking its files. So a transaction
holding the lock never waits for one that waits for it, and what a writer checks is what the
writer before it committed.
The lock is a transaction-level advisory lock, taken once per transaction
(`archive.postgresql`); a write outside a transaction takes none (nothing derived follows it
in the same transaction to protect). SQLite lets one writer at a time already.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def wait_for_writers(using=None):
    """Wait for the archive's other writers; they wait for this transaction from now on."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    lock = getattr(connection, "lock_archive_writes", None)
    if lock is not None:
        lock()


def one_writer(sender=None, using=None, **kwargs):
    """A `pre_save` and `pre_delete` receiver: the writer's lock, before its first row."""
    wait_for_writers(using)
