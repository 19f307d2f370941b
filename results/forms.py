"""
Forms that read marks the way sources write them, and check a result list as a whole with
the rules of `results.rules`, which every way into the archive shares.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from athletes.models import Source
from revisions.admin import SafeAutocompleteSelect
from revisions.forms import KnownChoiceField, VersionedForm, lock_versions

from . import marks
from .models import MAX_PLACE, Result
from .rules import problems_with_saved, result_list_problems


class WindField(forms.DecimalField):
    """
    A wind reading as sources print it, read by `marks.parse_wind` as a fixture's is: "+1.8",
    "-0.3", "2,1" with a decimal comma, "−0.4" or "–0.4" with a typographic minus. Typed as
    text: a number input drops a comma unseen, and "2,1" reached the server as 21.
    """

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = marks.parse_wind(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


class ResultForm(VersionedForm):
    """
    A result whose mark is typed as text in any notation `results.marks` reads
    ("1:17:21", "1 h 17' 21\"", "8,95") and stored as an integer in the discipline's unit.
    The nation defaults to the athlete's when left blank.
    """

    mark = forms.CharField(
        label=_("mark"),
        required=False,
        max_length=40,
        help_text=_("As the source writes it: 1:17:21, 1 h 17' 21\", 38:24.35, 8,95, 8045."),
        widget=forms.TextInput(attrs={"size": 10}),
    )

    # The bounds of the model's place, given to the form field and the browser: a place of
    # -1 is then refused in the same words as a place of 0.
    place = forms.IntegerField(label=_("place"), required=False, min_value=1, max_value=MAX_PLACE)

    class Meta:
        model = Result
        fields = [
            "event",
            "place",
            "athlete",
            "country",
            "mark",
            "status",
            "hand_timed",
            "wind",
            "records",
            "note",
            "sources",
        ]
        field_classes = {
            "wind": WindField,
            "athlete": KnownChoiceField,
            "country": KnownChoiceField,
        }

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None and event.pk and self.instance.event_id == event.pk:
            # The row's event is the page's: read once for the table, not once per row.
            self.instance.event = event
        self._hand_chosen_rows_to_pickers()
        if self.instance.pk and self.instance.mark is not None:
            self.initial["mark"] = self.instance.mark_display
        if "country" in self.fields:
            self.fields["country"].required = False
            self.fields["country"].help_text = _("Leave blank for the athlete's nation.")

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.pk is not None and self.is_bound and not self.has_changed():
            # A stored row the editor left as it was: its columns are those the database
            # held to every check constraint when they were saved, so the model checks
            # only the rules `Result.clean` applies (against the event as typed now), not
            # one query for each constraint (3,500 for a sheet of 500 rows).
            exclude.update(field.name for field in Result._meta.concrete_fields)
        return exclude

    def _hand_chosen_rows_to_pickers(self):
        """
        The admin's pickers (results.admin.ChosenAutocompleteSelect) name the athlete and
        nation already read with this result instead of looking each one up again.
        """
        for name in ("athlete", "country"):
            field = Result._meta.get_field(name)
            if name not in self.fields or not field.is_cached(self.instance):
                continue
            chosen = getattr(self.instance, name)
            widget = self.fields[name].widget
            picker = getattr(widget, "widget", widget)  # inside the admin's "+" links
            if hasattr(picker, "chosen"):
                picker.chosen = chosen
            if isinstance(self.fields[name], KnownChoiceField) and chosen is not None:
                # Posted back unchanged, it is taken as read, not looked up again.
                self.fields[name].knowing(chosen)

    def current_value(self, stored, name):
        if name == "mark":
            return stored.mark_display
        return super().current_value(stored, name)

    def _event(self, cleaned_data):
        event = cleaned_data.get("event") or self.event
        if event is None and self.instance.event_id:
            event = self.instance.event
        return event

    def clean(self):
        cleaned_data = super().clean()
        text = (cleaned_data.get("mark") or "").strip()
        event = self._event(cleaned_data)
        discipline = getattr(event, "discipline", None) if event is not None else None
        self.decimals = None
        if not text:
            cleaned_data["mark"] = None
        elif discipline is None:
            self.add_error("mark", _("Choose the event before typing its mark."))
        else:
            try:
                cleaned_data["mark"] = discipline.parse_mark(text)
            except forms.ValidationError as error:
                self.add_error("mark", error)
            else:
                self.decimals = marks.typed_decimals(text, discipline)
        athlete = cleaned_data.get("athlete")
        if not cleaned_data.get("country") and athlete is not None:
            cleaned_data["country"] = athlete.country
        elif not cleaned_data.get("country") and "country" in self.fields:
            self.add_error("country", _("Choose the nation represented."))
        return cleaned_data

    def _post_clean(self):
        # A mark not read (it did not parse, or a conflict with another editor's save
        # stopped `clean` before it) has no integer to put on the instance: the model would
        # report the text typed as a wrong mark.
        if "mark" in self._errors or isinstance(self.cleaned_data.get("mark"), str):
            self.cleaned_data.pop("mark", None)
        elif "mark" in self.cleaned_data:
            # The decimals typed go with the mark read (3:45.10 is not 3:45.1).
            self.instance.decimals = getattr(self, "decimals", None)
        said = len(self._errors.get("mark", ()))
        if self.event is not None:
            # Validate against the event as typed on this page, saved or not.
            self.instance.event = self.event
        super()._post_clean()
        if said:
            # The model checks the stored mark again for the same discipline (an event moved
            # to another discipline): what the typed mark's reading said is enough.
            del self._errors["mark"][said:]
        if self.event is None and not self.errors and self.instance.event_id is not None:
            # A result on a page of its own meets the rules of its event's list too, as a
            # row of the event's results table does.
            for field, message in problems_with_saved(
                self.instance.event, self.instance, gettext("this result")
            ):
                self.add_error(field, message)


class EventForm(VersionedForm):
    """
    An event (the admin names its model and fields), and the source of the result sheet
    its results are typed from.
    """

    sheet_source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label=_("Source of this sheet"),
        help_text=_("Every result added or changed in this save cites it."),
        # The autocomplete of the results' sources: the sheet's is one of them.
        widget=SafeAutocompleteSelect(Result._meta.get_field("sources"), admin.site),
    )

    def current_value(self, stored, name):
        if name == "sheet_source":
            # Not the event's to store: a save refused over a newer version keeps the choice.
            return self.data.get(self.add_prefix(name)) or None
        return super().current_value(stored, name)


class ResultInlineFormSet(BaseInlineFormSet):
    """
    The results of one event, typed in a table: finishers first, as a sheet lists them. Each
    row is read for the event's discipline, and every error is repeated above the table
    naming its row and field.
    """

    def __init__(self, *args, instance=None, queryset=None, **kwargs):
        if queryset is not None:
            discipline = instance.discipline if instance and instance.discipline_id else None
            queryset = queryset.in_sheet_order(discipline)
        super().__init__(*args, instance=instance, queryset=queryset, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "event": self.instance}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        field = form.fields.get(name)
        if form.instance.pk is not None and type(field) is forms.ModelChoiceField:
            # A stored row's key, posted back, names the row the table was built from.
            form.fields[name] = KnownChoiceField(
                field.queryset, initial=field.initial, required=False, widget=field.widget
            )
            form.fields[name].knowing(form.instance)

    def full_clean(self):
        if self.is_bound:
            # Every stored row's version read, and the rows locked, in one query.
            lock_versions(self.forms)
        super().full_clean()

    def clean(self):
        discipline = self.instance.discipline if self.instance.discipline_id else None
        rows, forms_by_label = [], {}
        for number, form in enumerate(self.forms, start=1):
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.errors:
                # A row that failed its own checks has no trustworthy place or mark.
                continue
            label = gettext("row %(number)s") % {"number": number}
            rows.append((label, form.instance))
            forms_by_label[label] = form
        if discipline is not None:
            for label, field, message in result_list_problems(rows, discipline):
                forms_by_label[label].add_error(field, message)
        if not any(form.errors for form in self.forms):
            # Django's own unique checks, for what the rows above cannot see.
            super().clean()
        summary = []
        for number, form in enumerate(self.forms, start=1):
            for field, errors in form.errors.items():
                if field not in form.fields:  # the row's own, of no one field
                    summary.extend(
                        _("Row %(row)s: %(message)s") % {"row": number, "message": message}
                        for message in errors
                    )
                    continue
                label = str(form.fields[field].label).lower()
                summary.extend(
                    _("Row %(row)s, %(field)s: %(message)s")
                    % {"row": number, "field": label, "message": message}
                    for message in errors
                )
        if summary:
            raise forms.ValidationError(summary)
