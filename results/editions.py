"""Carrying a championship's programme from one edition to the next."""

from django.db import transaction
from django.utils.translation import gettext as _

from revisions.context import describe
from revisions.models import Revision

from .models import Competition, Event


def next_edition(competition):
    """The championship's next edition after `competition`, or None."""
    if competition.championship_id is None:
        return None
    return (
        Competition.objects.filter(
            championship_id=competition.championship_id, year__gt=competition.year
        )
        .order_by("year", "start_date")
        .first()
    )


@transaction.atomic
def copy_events_to_next_edition(competition):
    """
    Give the next edition every event (discipline, sex, round) of `competition` that it
    does not have yet; dates and results stay behind. Returns (next edition, new events).
    """
    target = next_edition(competition)
    if target is None:
        return None, []
    existing = set(target.events.values_list("discipline_id", "sex", "round"))
    new_events = [
        Event(
            competition=target, discipline_id=event.discipline_id, sex=event.sex, round=event.round
        )
        for event in competition.events.order_by("discipline__position", "sex", "round")
        if (event.discipline_id, event.sex, event.round) not in existing
    ]
    if new_events:
        describe(
            kind=Revision.Kind.COPY,
            comment=_("Copied %(count)d events from %(source)s to %(target)s.")
            % {"count": len(new_events), "source": competition, "target": target},
        )
    for event in new_events:
        event.full_clean()
        event.save()
    return target, new_events
