"""
The language switcher: the header's "English · Español" links land here.

A plain GET link rather than Django's `set_language` form: that view takes a POST with a CSRF
token, and a token in the header would set a cookie on every page, which the page cache
(`archive.pagecache`) then never stores. Choosing a language changes nothing but the
reader's own cookie, so a link is safe; it is `rel="nofollow"` and never cached, and the
pages themselves keep one address in every language (the cache keys them by language).
Without the cookie, the browser's `Accept-Language` chooses (`LocaleMiddleware`).
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def switch_language(request, code):
    """Remember `code` in the language cookie and go back to `next`, if it is on this site."""
    if code not in dict(settings.LANGUAGES) or not check_for_language(code):
        raise Http404("No such language.")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Never an open redirect: an address elsewhere (or none) leads to the home page.
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
