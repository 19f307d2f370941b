"""
Reading the archive's history: what each snapshot changed, field by field, in words an
editor reads ("mark: 1:18:00 → 1:18:09"), for the history pages, the conflict messages and
the undo.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import ForeignKey, ManyToManyField
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import ArchiveModel, Revision

# How much of a long text (a biography) a change shows.
SHOWN_CHARACTERS = 80


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class RecordChange:
    """One snapshot: a row created, changed or deleted, and the fields that changed."""

    record: object
    fields: list = field(default_factory=list)
    # The row as the snapshot has it, with the rows deleted with it (`name_rows_together`).
    named: object = None

    @property
    def model(self):
        return self.record.instance_type

    @property
    def action(self):
        return {"+": _("added"), "~": _("changed"), "-": _("deleted")}[self.record.history_type]

    @property
    def object_label(self):
        try:
            name = str(self.named if self.named is not None else self.record.history_object)
        except ObjectDoesNotExist:
            # A row whose name reads a related row deleted since (a result's athlete).
            name = f"#{self.record.instance.pk}"
        return f"{self.model._meta.verbose_name} “{name}”"

    @property
    def is_empty(self):
        """A snapshot that changed nothing an editor sees (the version alone)."""
        return self.record.history_type == "~" and not self.fields

    @property
    def who(self):
        return self.record.history_user or _("the system")

    def summary(self):
        """ "Changed result “X – Y”: mark 1:18:00 → 1:18:09; note (empty) → “photo”"."""
        text = f"{self.action.capitalize()} {self.object_label}"
        if self.fields:
            text += ": " + "; ".join(f"{c.label} {c.old} → {c.new}" for c in self.fields)
        return text


def name_rows_together(changes):
    """
    The rows of one revision, each named with the others: a result deleted with its event
    and competition is "Jefferson Pérez – Olympic Games 1996 – Men's 20 km race walk", read
    from their snapshots in the revision, where their rows are gone. No query is added.
    """
    rows = {}
    for change in changes:
        change.named = change.record.instance
        rows[(change.model, change.named.pk)] = change.named
    for row in rows.values():
        for model_field in row._meta.concrete_fields:
            if model_field.is_relation:
                related = rows.get((model_field.related_model, getattr(row, model_field.attname)))
                if related is not None:
                    setattr(row, model_field.name, related)
    return changes


def archive_models():
    return [model for model in apps.get_models() if issubclass(model, ArchiveModel)]


def history_models():
    return [model.history.model for model in archive_models()]


def show(record, name, value):
    """A field's value as an editor reads it."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    display = record.instance.history_value(name, value)
    return f"“{Truncator(str(display)).chars(SHOWN_CHARACTERS)}”"


def describe(record, previous=None):
    """The RecordChange of `record` against the snapshot before it (looked up if not given)."""
    change = RecordChange(record)
    if record.history_type == "+":
        # A row is added with its citations in one snapshot: they are what it was read from.
        for name in record.instance_type.history_m2m_fields:
            model_field = record.instance_type._meta.get_field(name)
            target = model_field.m2m_reverse_field_name()
            ids = getattr(record, name).values_list(f"{target}_id", flat=True)
            if ids:
                rows = [{target: pk} for pk in ids]
                cited = _m2m_names(model_field, rows)
                label = str(model_field.verbose_name)
                change.fields.append(FieldChange(name, label, _("(none)"), cited))
        return change
    if record.history_type != "~":
        return change
    if previous is None:
        previous = record.prev_record
    if previous is None:
        return change
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    model = record.instance_type
    part_of = getattr(model, "history_part_of", {})
    shown = set()
    for item in delta.changes:
        if item.field == "version":
            continue
        # A field that only says how another reads (a mark's decimals) shows as that one.
        name = part_of.get(item.field, item.field)
        if name in shown:
            continue
        shown.add(name)
        model_field = model._meta.get_field(name)
        if isinstance(model_field, ManyToManyField):
            old, new = _m2m_names(model_field, item.old), _m2m_names(model_field, item.new)
        elif isinstance(model_field, ForeignKey):
            old = show(record, name, str(item.old) if item.old else None)
            new = show(record, name, str(item.new) if item.new else None)
        elif name != item.field:
            old = show(previous, name, getattr(previous, name))
            new = show(record, name, getattr(record, name))
        else:
            old = show(previous, name, item.old)
            new = show(record, name, item.new)
        change.fields.append(FieldChange(name, str(model_field.verbose_name), old, new))
    return change


def _m2m_names(model_field, rows):
    target = model_field.m2m_reverse_field_name()
    # diff_against(foreign_keys_are_objs=True) gives the related rows, not their ids.
    ids = [getattr(row[target], "pk", row[target]) for row in rows]
    if not ids:
        return _("(none)")
    names = model_field.related_model._default_manager.in_bulk(ids)
    return ", ".join(str(names.get(pk, pk)) for pk in ids)


def records_since(obj, version):
    """The snapshots of `obj` written after it was at `version`, oldest first."""
    return list(
        obj.history.model.objects.filter(
            **{obj._meta.pk.attname: obj.pk}, version__gt=version
        ).order_by("history_date", "history_id")
    )


def changes_since(obj, version):
    """What others did to `obj` since `version`, as RecordChanges, oldest first."""
    return [describe(record) for record in records_since(obj, version)]


def records_of_revision(revision):
    """Every snapshot of a revision, in the order they were written."""
    records = []
    for model in history_models():
        records.extend(model.objects.filter(revision=revision).select_related("history_user"))
    return sorted(records, key=lambda record: (record.history_date, record.history_id))


def records_of_object(obj, children=()):
    """
    The snapshots of `obj` and of its rows in `children` ([(model, foreign key name)]: an
    event's results), newest first, grouped by revision as [(revision, [RecordChange])].
    """
    records = list(obj.history.model.objects.filter(**{obj._meta.pk.attname: obj.pk}))
    for model, fk_name in children:
        records.extend(model.history.model.objects.filter(**{f"{fk_name}_id": obj.pk}))
    records.sort(key=lambda record: (record.history_date, record.history_id), reverse=True)
    revisions = Revision.objects.select_related("user", "undone_by").in_bulk(
        {record.revision_id for record in records if record.revision_id}
    )
    grouped = []
    for revision_id, group in groupby(records, key=lambda record: record.revision_id):
        changes = [change for change in map(describe, group) if not change.is_empty]
        if changes:
            grouped.append((revisions.get(revision_id), changes))
    return grouped
