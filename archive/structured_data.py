"""
What search engines read besides the HTML: schema.org as JSON-LD (a `Person` for an
athlete, with nationality and medals as awards; a `SportsEvent` for an event, with its
competitors and their results) and OpenGraph tags for sharing. Built from what the page
already holds: no query of its own.
"""

from django.utils.translation import gettext as _

SCHEMA = "https://schema.org"


def absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def country(country):
    return {"@type": "Country", "name": _(country.name), "identifier": country.code}


def award(result):
    """ "Olympic Games 1996, 20 km race walk: gold" for a championship medal."""
    event = result.event
    return _("%(competition)s, %(event)s: %(medal)s") % {
        "competition": event.competition.name,
        "event": event.title,
        "medal": {"gold": _("gold"), "silver": _("silver"), "bronze": _("bronze")}[result.medal],
    }


def person(request, athlete, results=()):
    """schema.org Person for an athlete's page; `results` give the medals (awards)."""
    data = {
        "@context": SCHEMA,
        "@type": "Person",
        "name": athlete.name,
        "givenName": athlete.given_name,
        "familyName": athlete.family_name,
        "url": absolute(request, athlete.get_absolute_url()),
        "gender": {"M": "Male", "W": "Female"}.get(athlete.sex),
        "nationality": country(athlete.country) if athlete.country_id else None,
        "birthDate": athlete.date_of_birth.isoformat() if athlete.date_of_birth else None,
        "birthPlace": athlete.birthplace or None,
        "image": absolute(request, athlete.photo.url) if athlete.photo else None,
        "award": [award(result) for result in results if result.is_medal] or None,
        "alternateName": [alias.name for alias in athlete.aliases.all()] or None,
    }
    return {key: value for key, value in data.items() if value is not None}


def competitor(request, row):
    result = row.result
    athlete = result.athlete
    return {
        "@type": "Role",
        "roleName": _("Place %(place)s, %(mark)s")
        # With its letters, as the page prints it: a hand time (10.1 h) or a wind-aided
        # mark (10.20 w) is not a legal one.
        % {
            "place": result.place,
            "mark": " ".join([result.mark_display, *(flag for flag, _ in result.flag_labels)]),
        }
        if result.place
        else result.get_status_display(),
        "competitor": {
            "@type": "Person",
            "name": athlete.name,
            "url": absolute(request, athlete.get_absolute_url()),
        },
    }


def sports_event(request, event, rows):
    """schema.org SportsEvent for an event's page: where, when, who and how they placed."""
    competition = event.competition
    location = {"@type": "Place", "name": competition.city}
    if competition.country_id:
        location["address"] = {
            "@type": "PostalAddress",
            "addressLocality": competition.city,
            "addressCountry": competition.country.code,
        }
    data = {
        "@context": SCHEMA,
        "@type": "SportsEvent",
        "name": f"{event.title} · {competition.name}",
        "url": absolute(request, event.get_absolute_url()),
        "sport": "Athletics",
        "startDate": (event.day.isoformat() if event.day else str(competition.year)),
        "location": location,
        "superEvent": {
            "@type": "SportsEvent",
            "name": competition.name,
            "url": absolute(request, competition.get_absolute_url()),
        },
        "competitor": [competitor(request, row) for row in rows],
    }
    return data
