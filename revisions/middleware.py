"""Every write an editor makes through the admin is one revision, named by the admin."""

from django.urls import reverse

from .context import revision
from .models import Revision


class RevisionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if request.method == "POST" and request.path.startswith(self.admin_prefix):
            with revision(kind=Revision.Kind.EDIT, user=request.user):
                return self.get_response(request)
        return self.get_response(request)
