"""
Links to the archive's pages, written from a pattern found once per URL name.

`reverse()` looks the name up, fills its pattern, checks the result against the pattern's
regular expression and quotes it, on every call: 13 to 16 µs. An all-time list or a busy
profile links a few hundred rows (an athlete and an event each), so that was milliseconds
of every such page (make bench, docs/benchmarks/). `link()` asks `reverse()` once per URL
name and script prefix, with placeholders for the arguments, and then only quotes each
argument into its place. The arguments are the slugs and codes the models validate, so the
check `reverse()` makes would always pass; `tests/test_links.py` compares the two.
"""

import functools
import re
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

# What reverse() leaves unquoted in an argument (it also keeps "/", which no argument of
# these patterns may hold).
SAFE = RFC3986_SUBDELIMS + "~:@"

# An argument of letters, digits and "-._~" alone (every slug and code) is its own quoting.
UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _placeholder(index):
    # Letters only: every converter of the archive's patterns (slug, str) accepts them.
    return f"zqargument{index}qz"


@functools.cache
def _pattern(viewname, arity, script_prefix):
    url = reverse(viewname, args=[_placeholder(index) for index in range(arity)])
    pattern = url.replace("{", "{{").replace("}", "}}")
    for index in range(arity):
        pattern = pattern.replace(_placeholder(index), f"{{{index}}}")
    return pattern


def link(viewname, *args):
    """The same URL as `reverse(viewname, args=args)`, for arguments the pattern accepts."""
    pattern = _pattern(viewname, len(args), get_script_prefix())
    return pattern.format(*(_quoted(str(arg)) for arg in args))


def _quoted(arg):
    return arg if UNRESERVED(arg) else quote(arg, safe=SAFE)
