"""
Undoing a revision: every row it added is removed, every row it changed gets back the
values it had before, every row it deleted comes back (with its citations), in one
transaction and as a revision of its own, so that an undo can be undone too.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from .context import revision
from .history import records_of_revision
from .models import ArchiveModel, Revision
from .writers import wait_for_writers


class UndoRefused(Exception):
    """The revision cannot be undone as a whole; nothing was changed."""


class FilesGone(UndoRefused):
    """
    Refused only because rows would get back files purged since (`files`, their names):
    everything else about the undo was tried and holds. `refusals` says why, row by row;
    the same undo asked `without_files=files` leaves those fields empty instead.
    """

    def __init__(self, refusals, files):
        super().__init__(" ".join(refusals))
        self.refusals = refusals
        self.files = files


def _later_changes(record, revision_id):
    """Snapshots of the same row written after `record` by another revision."""
    history = record.__class__.objects
    pk_name = record.instance_type._meta.pk.attname
    return (
        history.filter(**{pk_name: getattr(record, pk_name)}, history_date__gt=record.history_date)
        .exclude(revision_id=revision_id)
        .select_related("history_user")
        .order_by("history_date")
    )


def _delete_added(record, own):
    """
    Delete a row the revision added; refused (ProtectedError) when the delete would take
    along rows that are not the revision's own (another editor's event in a competition it
    added): those would go without a word, where a protected row stops the undo.
    """
    rows = record.instance_type._default_manager.filter(pk=record.instance.pk)
    collector = Collector(using=rows.db)
    collector.collect(rows)
    others = [
        row
        for model, instances in collector.data.items()
        if issubclass(model, ArchiveModel)
        for row in instances
        if (model, row.pk) not in own
    ]
    if others:
        raise ProtectedError("Rows added since would be deleted.", others)
    collector.delete()


def _check_parents(snapshot):
    """
    Refuse to write back a row whose snapshot points to a row deleted since (a result's
    event deleted by another editor after the result): it would point at nothing.
    """
    for model_field in snapshot.instance_type._meta.concrete_fields:
        parent_id = getattr(snapshot, model_field.attname)
        if not model_field.many_to_one or parent_id is None:
            continue
        parent = model_field.related_model
        if parent._default_manager.filter(pk=parent_id).exists():
            continue
        deleted = None
        if issubclass(parent, ArchiveModel):
            deleted = (
                parent.history.filter(**{parent._meta.pk.attname: parent_id})
                .select_related("history_user")
                .order_by("history_date")
                .last()
            )
        try:
            name = str(deleted.instance) if deleted is not None else f"#{parent_id}"
        except ObjectDoesNotExist:
            name = f"#{parent_id}"
        raise UndoRefused(
            _(
                "A row this revision changed cannot be put back: its %(parent)s “%(name)s” was "
                "deleted since, by %(who)s on %(when)s. Undo that delete first."
            )
            % {
                "parent": model_field.verbose_name,
                "name": name,
                "who": (deleted and deleted.history_user) or _("the system"),
                "when": deleted.history_date.strftime("%Y-%m-%d %H:%M") if deleted else "?",
            }
        )


def _written_back(record):
    """
    What undoing `record` writes back: the snapshot and the row it writes over (None when
    the revision deleted it); None when the undo writes nothing back (it removes an added row).
    """
    if record.history_type == "~":
        previous = record.prev_record
        return (previous.instance, record.instance) if previous else None
    if record.history_type == "-":
        return record.instance, None
    return None


def _restore(snapshot, citations_from, without=()):
    """
    Write a row back as `snapshot` shows it, less the file fields named in `without` (left
    empty); its citations as `citations_from` has them.
    """
    _check_parents(snapshot)
    model = snapshot.instance_type
    obj = snapshot.instance
    for name in without:
        setattr(obj, name, "")
    stored = model._default_manager.filter(pk=obj.pk).first()
    if stored is None:
        # A deleted row comes back: after the last version it ever had, so that a form
        # opened before the delete is still refused as stale.
        history = type(snapshot).objects.filter(**{model._meta.pk.attname: obj.pk})
        version = history.aggregate(last=Max("version"))["last"]
    else:
        version = stored.version
        # What the row held until now, as a save through a form knows it: the tables derived
        # from it (results.bestmarks) then refresh what the row leaves as well as what it
        # comes back to (a result given back to its athlete, a championship's medals).
        if hasattr(stored, "loaded_values"):
            obj.loaded_values = stored.loaded_values
    # The version moves on from what is stored, never back to the snapshot's.
    obj.version = version or 0
    obj.save()
    for name in model.history_m2m_fields:
        target = model._meta.get_field(name).m2m_reverse_field_name()
        ids = [getattr(row, f"{target}_id") for row in getattr(citations_from, name).all()]
        getattr(obj, name).set(ids)


@transaction.atomic
def revision_undo(*, revision_id, user, without_files=None):
    """
    Undo the revision `revision_id` as `user`; returns the undoing revision. Raises
    UndoRefused (nothing changed) when it was undone already, or a row it wrote has been
    changed since by another revision, or a row it added is now needed by another, or a row
    cannot be written back as it was. FilesGone when only files purged since stand in the
    way: given their names as `without_files`, exactly as FilesGone named them (a page
    shown before others changed what is missing is refused), the undo leaves those fields
    empty and its comment names them.
    """
    wait_for_writers()
    undone = Revision.objects.select_for_update().filter(pk=revision_id).first()
    if undone is None:
        raise UndoRefused(_("This revision does not exist."))
    if undone.undone_by_id is not None:
        raise UndoRefused(_("This revision was undone already."))
    records = records_of_revision(undone)
    if not records:
        raise UndoRefused(_("This revision changed nothing that can be undone."))
    # Asked of every row before any is written: a refusal halfway would leave behind what
    # the rows written before it did outside the database (a photo's files brought back).
    refusals, gone, purged, left_out = [], {}, [], []
    for record in records:
        later = _later_changes(record, undone.pk).first()
        if later is not None:
            raise UndoRefused(
                _(
                    "%(object)s was changed again since, by %(who)s on %(when)s: undo that "
                    "change first."
                )
                % {
                    "object": record.history_object,
                    "who": later.history_user or _("the system"),
                    "when": later.history_date.strftime("%Y-%m-%d %H:%M"),
                }
            )
        written = _written_back(record)
        if written is None:
            continue
        snapshot, replaced = written
        refusal = snapshot.undo_refusal(replaced)
        files = snapshot.undo_files_gone(replaced)
        if refusal and not files:
            raise UndoRefused(refusal)
        if files:
            refusals.append(refusal)
            gone[(record.instance_type, snapshot.pk)] = files
            purged.extend(getattr(snapshot, name).name for name in files)
            left_out.extend(
                _("%(field)s of “%(object)s” (%(file)s)")
                % {
                    "field": snapshot._meta.get_field(name).verbose_name,
                    "object": snapshot,
                    "file": getattr(snapshot, name).name,
                }
                for name in files
            )
    if without_files is not None and not purged:
        raise UndoRefused(
            _(
                "No file this undo would give back is missing now: nothing was undone. The "
                "page was out of date or altered; undo again as usual."
            )
        )
    leave_out = without_files is not None and sorted(without_files) == sorted(purged)
    comment = _("Undo of %(revision)s") % {"revision": undone}
    if leave_out:
        comment += "\n" + _("Without the files purged since, left empty: %(files)s.") % {
            "files": "; ".join(left_out)
        }
    try:
        with revision(kind=Revision.Kind.UNDO, user=user, comment=comment) as state:
            # The last write first: a pasted result goes before the athlete it created,
            # a deleted competition comes back before its events.
            own = {(record.instance_type, record.instance.pk) for record in records}
            for record in reversed(records):
                key = (record.instance_type, record.instance.pk)
                if record.history_type == "+":
                    _delete_added(record, own)
                elif record.history_type == "~":
                    previous = record.prev_record
                    if previous is not None:
                        _restore(previous, previous, gone.get(key, ()))
                else:
                    # A delete's snapshot is taken after its citations are gone.
                    _restore(record, record.prev_record or record, gone.get(key, ()))
            undoing = state.revision
    except ProtectedError as error:
        names = ", ".join(str(obj) for obj in list(error.protected_objects)[:5])
        raise UndoRefused(
            _("A row this revision added is now used by others (%(names)s): undo those first.")
            % {"names": names}
        ) from None
    except IntegrityError:
        # The database's own words name its tables and constraints, not what an editor knows.
        raise UndoRefused(
            _(
                "The archive has changed so that this revision cannot be undone: a row added "
                "since holds what a row it would bring back must hold alone (the same slug "
                "or code, or a second result of one athlete in one event). Change or delete "
                "that row first."
            )
        ) from None
    if purged and not leave_out:
        # Everything else holds, as the undo made without those files shows: it is rolled
        # back, and the editor asked whether to make it so.
        raise FilesGone(refusals, sorted(purged))
    if undoing is not None:
        undone.undone_by = undoing
        undone.save(update_fields=["undone_by"])
    return undoing
