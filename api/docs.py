"""
The API's OpenAPI schema and its browsable documentation (Swagger UI), served from this site:
the Swagger UI files come with drf-spectacular-sidecar, so no CDN is involved, and the split
view serves its start-up script as a file of its own, so the page runs no inline script under
the site's Content-Security-Policy.
"""

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .conditional import VersionedAnswers


class Schema(VersionedAnswers, SpectacularAPIView):
    """The OpenAPI 3 schema: JSON, or YAML with `?format=yaml`."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class Documentation(VersionedAnswers, SpectacularSwaggerSplitView):
    """Swagger UI in a page of the site, reading the schema above."""

    template_name = "api/docs.html"
    template_name_js = "api/docs.js"
