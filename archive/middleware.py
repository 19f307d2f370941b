"""
Answers that end well when the archive cannot do what was asked: a request body too large
is refused before it is read, and a database that is locked, unreadable or unreachable
gives a friendly 503 with Retry-After instead of a 500 (the next request reconnects, so the
site recovers without a restart).
"""

import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("archive.availability")

# What a busy or absent database says, by driver: SQLite's lock and file errors, psycopg's
# lost or refused connections. Other database errors are bugs, left to the 500 page.
UNAVAILABLE = (
    "database is locked",
    "unable to open database file",
    "disk i/o error",
    "database disk image is malformed",
    "attempt to write a readonly database",
    "database or disk is full",
    "file is not a database",
    # A database file replaced by an empty one: the tables are gone, not the code's fault.
    "no such table",
    "connection",
    "server closed",
    "could not connect",
    "terminating",
    "the database system is",
)


def database_unavailable(error):
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError | DatabaseError):
        return False
    text = str(error).lower()
    return any(marker in text for marker in UNAVAILABLE)


def in_readers_language(request):
    """
    The reader's language for an answer given before `LocaleMiddleware` chose it: else the
    answer speaks whatever language the process last served a page in.
    """
    return translation.override(translation.get_language_from_request(request))


def busy_response(request, retry_after=None):
    retry_after = retry_after or settings.RETRY_AFTER_SECONDS
    with in_readers_language(request):
        body = loader.render_to_string("503.html", {"retry_after": retry_after})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except Exception as error:
            # Errors raised by other middleware (a session read, say) arrive here too, and
            # so do the knock-on errors of a middleware whose database read failed.
            if database_unavailable(error) or getattr(request, "database_unavailable", False):
                logger.warning("Database unavailable for %s: %s", request.path, error)
                return busy_response(request)
            raise

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            request.database_unavailable = True
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return busy_response(request)
        return None


class RequestBodyLimitMiddleware:
    """A body larger than MAX_REQUEST_BYTES is refused from its Content-Length, unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            with in_readers_language(request):
                body = loader.render_to_string("413.html", {"limit": settings.MAX_REQUEST_BYTES})
            response = HttpResponse(body, status=413)
            # The body was not read: the connection cannot be reused for another request.
            # gunicorn closes it when asked; Django's development server (wsgiref) reads
            # the rest itself, and refuses a hop-by-hop header from the application, as
            # PEP 3333 has it (a 500 instead of this page).
            if not request.META.get("SERVER_SOFTWARE", "").startswith("WSGIServer/"):
                response["Connection"] = "close"
            return response
        return self.get_response(request)


class ArchiveCSPMiddleware(CSPMiddleware):
    """
    django-csp's policy, with what the admin needs on its own pages: Django's admin
    templates (the change list's filters, select2) carry inline styles. No inline script
    anywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/" + settings.ADMIN_URL):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts


# No value the admin is asked for in an address (a search, a filter) is longer than this: a
# name is 210 characters at most. SQLite refuses a LIKE pattern over 50,000 bytes.
ADMIN_QUERY_LENGTH = 1000


class AdminQuerySanityMiddleware:
    """
    A NUL byte in the admin's query string (a changelist filter, an autocomplete term) is
    never a real value, and PostgreSQL refuses it in any text comparison; nor is a value
    longer than `ADMIN_QUERY_LENGTH`, which SQLite refuses in a search: answered 400, saying
    which. The public pages clean their own parameters (search drops control characters,
    filters have their lengths).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/" + settings.ADMIN_URL):
            with in_readers_language(request):
                refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request):
        """The 400 for a NUL or an overlong value in the query string, or None."""
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return self.refused(request, _("“%(name)s” holds a NUL character."), key)
            if any(len(value) > ADMIN_QUERY_LENGTH for value in values):
                return self.refused(
                    request,
                    _("“%(name)s” is longer than %(length)s characters."),
                    key,
                    length=ADMIN_QUERY_LENGTH,
                )
        return None

    @staticmethod
    def refused(request, message, name, **values):
        name = name.replace("\x00", "")[:40]
        reason = message % {"name": name, **values}
        page = loader.render_to_string("400.html", {"reason": reason}, request)
        return HttpResponseBadRequest(page)
