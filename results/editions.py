"""Carrying a championship's programme from one edition to the next."""

from dataclasses import dataclass

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


@dataclass
class CopyPlan:
    """What a copy of `source`'s events would give `target` (None: there is no next edition)."""

    source: Competition
    target: Competition | None
    events: list


def copy_plan(competition):
    """The events (discipline, sex, round) of `competition` its next edition does not have."""
    target = next_edition(competition)
    if target is None:
        return CopyPlan(source=competition, target=None, events=[])
    existing = set(target.events.values_list("discipline_id", "sex", "round"))
    events = [
        Event(competition=target, discipline=event.discipline, sex=event.sex, round=event.round)
        for event in competition.events.select_related("discipline").order_by(
            "discipline__position", "sex", Event.round_as_run()
        )
        if (event.discipline_id, event.sex, event.round) not in existing
    ]
    return CopyPlan(source=competition, target=target, events=events)


def copy_scopes(plans):
    """
    The rows a copy reads and writes, for `revisions.tokens`: the source and target
    competitions and their events.
    """
    pks = sorted(
        {plan.source.pk for plan in plans} | {plan.target.pk for plan in plans if plan.target}
    )
    return [(Competition, {"pk__in": pks}), (Event, {"competition_id__in": pks})]


@transaction.atomic
def copy_events_to_next_edition(competition):
    """
    Give the next edition every event (discipline, sex, round) of `competition` that it
    does not have yet; dates and results stay behind. Returns (next edition, new events).
    """
    plan = copy_plan(competition)
    if plan.events:
        describe(
            kind=Revision.Kind.COPY,
            comment=_("Copied %(count)d events from %(source)s to %(target)s.")
            % {"count": len(plan.events), "source": competition, "target": plan.target},
        )
    for event in plan.events:
        event.full_clean()
        event.save()
    return plan.target, plan.events
