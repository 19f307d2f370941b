"""
Merging two athlete records that are the same person: names written differently by two
sources, day and month of birth swapped. The kept record takes every row of the other
(results, claims, highlights, aliases, whatever points at an athlete) and its sources; the
other's name stays as an alias that search finds.

The rows are found through the models' relations to `Athlete`, so this app needs to know
nothing of the apps that point at it. What two rows of one athlete may not share is read
from each model's unique constraints:

* ("athlete", "position"): the moved rows follow the kept record's own, renumbered;
* ("athlete", "name") of an alias: a name the kept record already has is dropped;
* anything else, a result in the same event: the two records are two people, and the merge
  is refused.
"""

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from revisions.context import describe
from revisions.models import Revision

from .models import Alias, athlete_relations, problems_of_rows

# What the kept record takes from the duplicate where it has none of its own.
FILLED_FIELDS = ("date_of_birth", "birthplace", "biography", "retired_on", "photo")


def shared_key(relation):
    """The other fields of a unique constraint over (athlete, …) on the related model."""
    for constraint in relation.related_model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and relation.field.name in (
            constraint.fields or ()
        ):
            return [name for name in constraint.fields if name != relation.field.name]
    return []


@dataclass
class Move:
    """The rows of one related model that move to the kept record."""

    relation: object
    rows: list

    @property
    def label(self):
        opts = self.relation.related_model._meta
        return opts.verbose_name if len(self.rows) == 1 else opts.verbose_name_plural


@dataclass
class MergePlan:
    keep: object
    duplicate: object
    moves: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    # Rows of the two records that share what only one person's rows can share (an event).
    clashes: list = field(default_factory=list)
    # What the duplicate's rows would break as the kept record's (a result in an event of
    # the other sex, or before the kept record's birth).
    problems: list = field(default_factory=list)

    @property
    def possible(self):
        return not self.clashes and not self.problems


def merged(keep, duplicate):
    """The kept record as the merge leaves it: with what it lacked taken from the other."""
    result = copy.copy(keep)
    for name in FILLED_FIELDS:
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(result, name, getattr(duplicate, name))
    return result


def _rows(relation, athlete):
    # Every non-null foreign key, to any depth: what each row's name shows on the page.
    manager = relation.related_model._default_manager
    return manager.filter(**{relation.field.name: athlete}).select_related()


def merge_plan(keep, duplicate):
    """What a merge of `duplicate` into `keep` would move, and what stops it."""
    plan = MergePlan(
        keep=keep,
        duplicate=duplicate,
        sources=list(duplicate.sources.exclude(pk__in=keep.sources.values("pk"))),
    )
    for relation in athlete_relations():
        rows = list(_rows(relation, duplicate).order_by("pk"))
        plan.moves.append(Move(relation, rows))
        key = shared_key(relation)
        if not rows or not key or key == ["position"] or relation.related_model is Alias:
            continue
        kept = set(_rows(relation, keep).values_list(*key))
        for row in rows:
            values = tuple(getattr(row, f"{name}_id", getattr(row, name)) for name in key)
            if values in kept:
                shared = getattr(row, key[0])
                plan.clashes.append(shared)
    plan.problems = problems_of_rows(merged(keep, duplicate), duplicate, before=duplicate)
    return plan


@transaction.atomic
def merge_athletes(keep, duplicate):
    """
    Move everything of `duplicate` to `keep`, keep the duplicate's name as an alias and
    delete the duplicate. Refused when both have a row only one person can have (a result
    in the same event): then they are two people.
    """
    describe(
        kind=Revision.Kind.MERGE,
        comment=_("Merged %(duplicate)s into %(keep)s.") % {"duplicate": duplicate, "keep": keep},
    )
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different athletes to merge."))
    plan = merge_plan(keep, duplicate)
    if plan.clashes:
        shared = ", ".join(str(item) for item in plan.clashes)
        raise ValidationError(
            _("%(keep)s and %(other)s both have a result in %(events)s: they are two people.")
            % {"keep": keep, "other": duplicate, "events": shared}
        )
    if plan.problems:
        raise ValidationError(
            [
                _("%(other)s's rows do not fit %(keep)s, so the merge is refused:")
                % {"keep": keep, "other": duplicate},
                *plan.problems,
            ]
        )
    kept_names = {alias.name for alias in keep.aliases.all()} | {keep.name}
    for move in plan.moves:
        name = move.relation.field.name
        numbered = shared_key(move.relation) == ["position"]
        last = 0
        if numbered:
            last = _rows(move.relation, keep).aggregate(last=Max("position"))["last"] or 0
        # Saved one by one, not with update(), so that each move is in the history and
        # undone with the merge.
        for offset, row in enumerate(move.rows, start=1):
            if isinstance(row, Alias):
                if row.name in kept_names:
                    row.delete()
                    continue
                kept_names.add(row.name)
            setattr(row, name, keep)
            fields = [name, "version"]
            if numbered:
                # Moved rows follow the kept record's own, in their order.
                row.position = last + offset
                fields.append("position")
            row.save(update_fields=fields)
    if duplicate.name not in kept_names:
        Alias.objects.create(athlete=keep, name=duplicate.name)
    keep.sources.add(*plan.sources)
    filled = merged(keep, duplicate)
    for name in FILLED_FIELDS:
        setattr(keep, name, getattr(filled, name))
    keep.save()
    duplicate.delete()
    return plan
