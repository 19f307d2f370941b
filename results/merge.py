"""
Merging two athlete records that are the same person: names written differently by two
sources, day and month of birth swapped. The kept record takes every result, highlight,
alias and source of the other; the other's name stays as an alias that search finds.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from athletes.models import Alias
from revisions.context import describe
from revisions.models import Revision

from .models import Event


@dataclass
class MergePlan:
    keep: object
    duplicate: object
    results: list
    highlights: list
    aliases: list
    sources: list
    shared_events: list

    @property
    def possible(self):
        return not self.shared_events


def merge_plan(keep, duplicate):
    """What a merge of `duplicate` into `keep` would move, and what stops it."""
    return MergePlan(
        keep=keep,
        duplicate=duplicate,
        results=list(
            duplicate.results.select_related("event__competition", "event__discipline").order_by(
                "event__competition__year"
            )
        ),
        highlights=list(duplicate.highlights.all()),
        aliases=list(duplicate.aliases.all()),
        sources=list(duplicate.sources.exclude(pk__in=keep.sources.values("pk"))),
        shared_events=list(
            Event.objects.filter(results__athlete=keep)
            .filter(results__athlete=duplicate)
            .select_related("competition", "discipline")
        ),
    )


@transaction.atomic
def merge_athletes(keep, duplicate):
    """
    Move everything of `duplicate` to `keep`, keep the duplicate's name as an alias and
    delete the duplicate. Refused when both ran in the same event: then they are two people.
    """
    describe(
        kind=Revision.Kind.MERGE,
        comment=_("Merged %(duplicate)s into %(keep)s.") % {"duplicate": duplicate, "keep": keep},
    )
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different athletes to merge."))
    plan = merge_plan(keep, duplicate)
    if not plan.possible:
        events = ", ".join(str(event) for event in plan.shared_events)
        raise ValidationError(
            _("%(keep)s and %(other)s both have a result in %(events)s: they are two people.")
            % {"keep": keep, "other": duplicate, "events": events}
        )
    # Saved one by one, not with update(), so that each move is in the history and undone
    # with the merge.
    for result in plan.results:
        result.athlete = keep
        result.save(update_fields=["athlete", "version"])
    # Highlights follow the kept record's own, in their order.
    last = keep.highlights.aggregate(last=Max("position"))["last"] or 0
    for offset, highlight in enumerate(plan.highlights, start=1):
        highlight.athlete = keep
        highlight.position = last + offset
        highlight.save(update_fields=["athlete", "position", "version"])
    kept_names = {alias.name for alias in keep.aliases.all()} | {keep.name}
    for alias in plan.aliases:
        if alias.name in kept_names:
            alias.delete()
        else:
            alias.athlete = keep
            alias.save(update_fields=["athlete", "version"])
            kept_names.add(alias.name)
    if duplicate.name not in kept_names:
        Alias.objects.create(athlete=keep, name=duplicate.name)
    keep.sources.add(*plan.sources)
    for field in ("date_of_birth", "birthplace", "biography", "retired_on", "photo"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    keep.save()
    duplicate.delete()
    return plan
