"""
Whole public pages, cached for anonymous readers and keyed by the archive's version.

Every change to the archive moves its version on in the same transaction
(`results.caching`), so a page cached under one version is never served once the data has
changed: an edit shows on the next request, in every process, whatever the cache backend.
A request therefore costs one query (the version) when nothing has changed:

- a conditional GET whose `If-None-Match` or `If-Modified-Since` still matches is answered
  304 without rendering anything;
- any other GET is served from the cache when the page was rendered under this version, and
  rendered (then stored) otherwise.

`ETag` and `Last-Modified` come from the version and the time it last moved on, and the
day (the home page's "on this day" changes at midnight, so a page is kept a day at most);
`Cache-Control: public, max-age=PAGE_CACHE_SECONDS` lets a proxy or CDN keep a page that
long (60 s by default), `Vary: Cookie, Accept-Language` keeps editors and languages apart.

The API (/api/) is left to its own ETags and throttling. Editors are never served a cached
page: a request carrying a session cookie (only editors
have sessions) goes straight to the view, and its answer is marked private. The admin, POSTs
and any answer that is not a plain 200 page (a redirect, a 404, a page that set a cookie or
varies by it) are never stored.
"""

import hashlib
import logging
from datetime import datetime, time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language_from_request

from results.caching import TIMEOUT, pinned_state

from .middleware import busy_response, database_unavailable

logger = logging.getLogger(__name__)

# Headers of a rendered page that are kept with it; the rest are set again on each answer.
STORED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Security-Policy",
    "X-Frame-Options",
    # A table's download: its file name and its licence.
    "Content-Disposition",
    "Link",
)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL
        self.max_age = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        if not settings.PAGE_CACHE or not self.cacheable(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # An editor's page says what only editors see: never kept by a proxy.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        try:
            return self.cached(request)
        except Exception as error:
            # The version is read here, outside any view: a database that cannot be read is
            # answered as the views' own reads are, 503 with Retry-After, never a 500.
            if database_unavailable(error):
                logger.warning("Database unavailable for %s: %s", request.path, error)
                return busy_response(request)
            raise

    def cached(self, request):
        with pinned_state() as (version, changed_at):
            language = get_language_from_request(request)
            # The home page's "on this day" changes at midnight: a page is kept for the day.
            today = timezone.localdate()
            midnight = timezone.make_aware(datetime.combine(today, time.min))
            changed_at = max(changed_at, midnight) if changed_at else midnight
            etag = quote_etag(f"{settings.ARCHIVE_RELEASE}-{version}-{language}-{today:%Y%m%d}")
            if self.not_modified(request, etag, changed_at):
                return self.finish(request.method, HttpResponseNotModified(), etag, changed_at)
            key = self.key(request, f"{version}:{today:%Y%m%d}", language)
            stored = cache.get(key)
            if stored is not None:
                response = _from_stored(stored)
            else:
                response = self.get_response(request)
                if not self.storable(response):
                    return response
                cache.set(key, _to_stored(response), TIMEOUT)
            return self.finish(request.method, response, etag, changed_at)

    def cacheable(self, request):
        # The API answers its own conditional GETs and counts every request against its
        # client's throttle (api/), so it is never served from here.
        return (
            request.method in ("GET", "HEAD")
            and not request.path_info.startswith((self.admin_prefix, "/api/"))
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def not_modified(request, etag, changed_at):
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and changed_at is not None and int(changed_at.timestamp()) <= since

    @staticmethod
    def key(request, version, language):
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page:{version}:{language}:{path}"

    @staticmethod
    def storable(response):
        """
        A plain page: not a redirect or an error, nor one that set a cookie (a CSRF token).
        (Every page varies by the session cookie, as the editors' links do: a request with
        one never reaches the cache.)
        """
        return response.status_code == 200 and not response.streaming and not response.cookies

    def finish(self, method, response, etag, changed_at):
        response["ETag"] = etag
        if changed_at is not None:
            response["Last-Modified"] = http_date(changed_at.timestamp())
        patch_cache_control(response, public=True, max_age=self.max_age)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        if method == "HEAD" and response.status_code == 200:
            response.content = b""
        return response


def _to_stored(response):
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    return (response.content, headers)


def _from_stored(stored):
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response
