"""
What every answer of the API shares: it only reads, it is throttled per client (the settings'
DEFAULT_THROTTLE_CLASSES), and it carries an ETag and a Last-Modified from the archive's
version, so that a conditional GET that still matches costs one query and sends no body.
"""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from results.caching import archive_state, pinned_state


class NotModified(Exception):
    """The client's copy is current: answered with `response` (a 304 or 412) at once."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def archive_etag(request, version):
    """
    The answer's tag: the code's release, the archive's version and the language, as the
    site's pages have. (Anonymous readers' requests meet the whole-page cache first,
    `archive.pagecache`, which then answers and tags them by the same rule; a client thus
    always deals with one layer, whose tags hold until the code or the archive changes.)
    """
    language = get_language_from_request(request)
    return quote_etag(f"api-{settings.ARCHIVE_RELEASE}-{version}-{language}")


def refuse_null_characters(request):
    """A NUL byte is never part of a real value, and PostgreSQL refuses it in a query."""
    for name, values in request.query_params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            field = name.replace("\x00", "") or "query"
            raise ValidationError({field: [_("Null characters are not allowed.")]})


class VersionedAnswers:
    """
    A mixin for DRF views. The throttle is checked first (DRF's `initial`); then a GET whose
    If-None-Match (or If-Modified-Since) still matches is answered 304, having read nothing
    but the archive's version. That version is read once for the whole answer
    (`pinned_state`): its tag and every cached table it shows share the one query.
    """

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        with pinned_state():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_null_characters(request)
        if request.method in ("GET", "HEAD"):
            version, changed_at = archive_state()
            self.etag = archive_etag(request, version)
            self.last_modified = int(changed_at.timestamp()) if changed_at else None
            answer = get_conditional_response(
                request, etag=self.etag, last_modified=self.last_modified
            )
            if answer is not None:
                raise NotModified(answer)

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "etag", None) and response.status_code in (200, 304):
            response["ETag"] = self.etag
            if self.last_modified is not None:
                response["Last-Modified"] = http_date(self.last_modified)
            # As the site's pages: a proxy may keep an answer for PAGE_CACHE_SECONDS.
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
