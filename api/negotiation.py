"""
The format of an answer is chosen by its URL alone (`?format=yaml` for the schema), never by
the Accept header: the whole-page cache (`archive.pagecache`), a proxy or a CDN keys answers by
URL, and would otherwise serve one client's format to another.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class UrlFormatNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        chosen = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if chosen:
            # An unknown format is a 404, as DRF answers it.
            renderers = self.filter_renderers(renderers, chosen)
        renderer = renderers[0]
        return renderer, renderer.media_type
