"""
Forms that know the version they were read at, so that a save never reverts another
editor's change made meanwhile.

`VersionedForm` carries the row's version in a hidden field. Its `clean()` locks the row
(SELECT … FOR UPDATE on PostgreSQL; on SQLite every write transaction already holds the
database's write lock from its start) and compares: if the row has moved on, the save is
refused with a message naming who changed what since, the form shows the current values of
the fields the other editor changed (so saving again keeps them), keeps everything else the
editor typed, and takes the current version, so the editor's next save goes through.
"""

from django import forms
from django.forms.models import model_to_dict
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .history import changes_since
from .writers import wait_for_writers


def conflict_message(obj, changes):
    """ "Since you opened this page, …": one line per change, naming who and when."""
    lines = [
        _(
            "Since you opened this page, others changed %(object)s: nothing was saved. The "
            "form now shows their values in the fields they changed and yours everywhere "
            "else; check them and save again."
        )
        % {"object": f"{obj._meta.verbose_name} “{obj}”"}
    ]
    for change in changes:
        when = date_format(localtime(change.record.history_date), "DATETIME_FORMAT")
        lines.append(f"{change.who}, {when}: {change.summary()}")
    return lines


class KnownChoiceField(forms.ModelChoiceField):
    """
    A choice of a row whose form already holds the rows it may name (`known`: the value each
    one is posted as, `prepare_value(row)`, → the row, read with the page's table and among
    the field's choices): such a value is taken as read, without a query of its own; any
    other is looked up as Django does. A sheet of five hundred results read each row's id,
    athlete and nation once more on save, one query each. Set `known` per form (`knowing`),
    never change it in place.
    """

    known = {}

    def to_python(self, value):
        if isinstance(value, str | int):
            row = self.known.get(str(value))
            if row is not None:
                return row
        return super().to_python(value)

    def knowing(self, *rows):
        """Take `rows` as read when their values are posted."""
        self.known = {str(self.prepare_value(row)): row for row in rows}


def lock_versions(forms):
    """
    Lock the stored rows of `forms` (versioned forms of one model: a table's rows) and read
    their versions, in one query rather than one for each row; each form's `check_version`
    compares with what was read here.
    """
    stored = [form for form in forms if form.instance.pk is not None]
    if not stored:
        return
    wait_for_writers()
    model = type(stored[0].instance)
    versions = dict(
        model._default_manager.select_for_update(of=("self",))
        .filter(pk__in=[form.instance.pk for form in stored])
        # In one order, whoever locks them: two saves of one table queue, never deadlock.
        .order_by("pk")
        .values_list("pk", "version")
    )
    for form in stored:
        form.locked_version = versions.get(form.instance.pk)


class VersionedForm(forms.ModelForm):
    read_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read_version"].initial = self.instance.version if self.instance.pk else 0

    @cached_property
    def changed_data(self):
        # The version read is bookkeeping: a form is changed only by what the editor typed.
        return [name for name in super().changed_data if name != "read_version"]

    def clean(self):
        cleaned_data = super().clean()
        self.check_version()
        return cleaned_data

    def check_version(self):
        # The archive's other writers first, before anything is read: an athlete added by
        # another editor a moment ago is then seen by the check of the slugs (a form error,
        # not a failed save), and the version read below is the last committed.
        wait_for_writers()
        read = self.cleaned_data.get("read_version")
        if self.instance.pk is None or read is None or "read_version" in self._errors:
            return
        model = type(self.instance)
        if hasattr(self, "locked_version"):
            # Read and locked with the other rows of its table (`lock_versions`).
            current = self.locked_version
        else:
            # The row alone: no join of the model's ordering, whose rows would be locked too.
            current = (
                model._default_manager.select_for_update(of=("self",))
                .filter(pk=self.instance.pk)
                .order_by()
                .values_list("version", flat=True)
                .first()
            )
        if current is None:
            raise forms.ValidationError(
                _("Since you opened this page, this %(model)s was deleted: nothing was saved.")
                % {"model": model._meta.verbose_name}
            )
        if current == read:
            return
        stored = model._default_manager.get(pk=self.instance.pk)
        changes = changes_since(stored, read)
        changed = {item.name for change in changes for item in change.fields}
        edits_only = all(change.record.history_type == "~" for change in changes)
        if changes and edits_only and not changed:
            # Others saved the row as they found it: nothing of theirs for this save to
            # overwrite, and nothing typed here is thrown away.
            return
        if not changed or not edits_only:
            # The history does not say which fields: show every field as it now is.
            changed = set(self.fields)
        self.show_current_values(stored, changed, current)
        raise forms.ValidationError(conflict_message(stored, changes))

    def current_value(self, stored, name):
        """The stored value of field `name` as this form's field takes it."""
        return model_to_dict(stored, fields=[name]).get(name)

    def show_current_values(self, stored, names, version):
        data = self.data.copy()
        for name in names:
            if name not in self.fields or name == "read_version":
                continue
            key = self.add_prefix(name)
            value = self.current_value(stored, name)
            if isinstance(self.fields[name].widget, forms.CheckboxInput):
                if value:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            elif isinstance(value, list | tuple):
                values = [str(getattr(item, "pk", item)) for item in value]
                if hasattr(data, "setlist"):
                    data.setlist(key, values)
                else:
                    data[key] = values
            else:
                data[key] = "" if value is None else str(getattr(value, "pk", value))
        data[self.add_prefix("read_version")] = str(version)
        self.data = data
