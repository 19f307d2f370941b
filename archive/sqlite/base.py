"""
Django's SQLite backend, with connections kept between requests as long as the file at the
database's path is the one they opened.

Opening the file costs each request about a millisecond (connecting, the pragmas, reading
the schema: make bench), a tenth of a small page. A kept connection, though, would go on
reading a file that was moved away or replaced since (a restore from elsewhere, a volume
mounted anew). So a kept connection is used only while the path still names the file it
opened: Django checks `is_usable()` before the first query of each request
(CONN_HEALTH_CHECKS), and this compares the file's device and inode, one stat() call.
"""

import os

from django.db.backends.sqlite3 import base


def file_identity(path):
    """(device, inode) of the file at `path`, or None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


class DatabaseWrapper(base.DatabaseWrapper):
    opened_file = None

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self.opened_file = file_identity(self.settings_dict["NAME"])
        return connection

    def is_usable(self):
        if self.is_in_memory_db():
            return True
        opened = self.opened_file
        return opened is not None and file_identity(self.settings_dict["NAME"]) == opened
