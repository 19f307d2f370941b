"""
Where each object lives: its public page (`get_absolute_url`) and its address in the API, by
the natural keys the pages use. Both are absolute, as a client follows them as they are.

An object's API address is reversed in the namespace of the request's own version
("api:v1"), so a later version's answers link to that version without a change here.
"""

from rest_framework.reverse import reverse

from athletes.models import Athlete
from results.models import Championship, Competition, Discipline, Event

# The API view of each model and the URL arguments that name an object, from its natural key.
API_VIEWS = {
    Athlete: ("athlete", lambda athlete: {"slug": athlete.slug}),
    Competition: ("competition", lambda competition: {"slug": competition.slug}),
    Event: (
        "event",
        lambda event: {
            "slug": event.competition.slug,
            "code": event.discipline.code,
            "sex": event.sex.lower(),
            "round": event.round,
        },
    ),
    Discipline: ("discipline", lambda discipline: {"code": discipline.code}),
    Championship: ("championship", lambda championship: {"slug": championship.slug}),
}

DEFAULT_NAMESPACE = "api:v1"


def namespace(request):
    """The URL namespace of the request's API version ("api:v1")."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace.startswith("api:"):
        return match.namespace
    return DEFAULT_NAMESPACE


def api_reverse(request, name, version=None, **kwargs):
    """The absolute URL of the API view `name`, in the request's version or in `version`."""
    space = f"api:{version}" if version else namespace(request)
    return reverse(f"{space}:{name}", kwargs=kwargs or None, request=request)


def api_url(request, obj):
    name, arguments = API_VIEWS[type(obj)]
    return api_reverse(request, name, **arguments(obj))


def page_url(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url())
