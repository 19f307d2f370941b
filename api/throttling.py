"""
Requests per client: per address for anonymous clients, per account for editors signed in.

DRF's throttles read their rates once, when imported; these read them from the settings on
each request, so that a changed setting (a test's, a deploy's) takes effect at once.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class RatesFromSettings:
    def get_rate(self):
        # No rate for the scope: not throttled.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(RatesFromSettings, AnonRateThrottle):
    """Anonymous clients, by address (behind a trusted proxy, the one it forwards)."""


class EditorThrottle(RatesFromSettings, UserRateThrottle):
    """Clients signed in (editors), by account."""
