"""
Text escaped for HTML by the template tags that write a table's rows in Python.

Django's `escape` is `html.escape` wrapped twice: by `keep_lazy`, which looks for a lazy
translation among the arguments on every call, and by `SafeString`. The tags that write the
rows of a list call it a thousand times a page, and then mark the whole row safe once; they
call this instead, which writes the same text (`tests/test_pages.py` puts markup in names
and reads it escaped).
"""

import html


def escape(value):
    """`value` as text escaped for HTML, as Django's `escape` writes it (not marked safe)."""
    return html.escape(str(value))
