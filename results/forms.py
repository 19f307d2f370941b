"""Forms that read marks the way sources write them, and check a result list as a whole."""

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Result


class ResultForm(forms.ModelForm):
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

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if self.instance.pk and self.instance.mark is not None:
            self.initial["mark"] = self.instance.mark_display
        if "country" in self.fields:
            self.fields["country"].required = False
            self.fields["country"].help_text = _("Leave blank for the athlete's nation.")

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
        if not text:
            cleaned_data["mark"] = None
        elif discipline is None:
            self.add_error("mark", _("Choose the event before typing its mark."))
        else:
            try:
                cleaned_data["mark"] = discipline.parse_mark(text)
            except forms.ValidationError as error:
                self.add_error("mark", error)
        athlete = cleaned_data.get("athlete")
        if not cleaned_data.get("country") and athlete is not None:
            cleaned_data["country"] = athlete.country
        elif not cleaned_data.get("country") and "country" in self.fields:
            self.add_error("country", _("Choose the nation represented."))
        return cleaned_data

    def _post_clean(self):
        # A mark that did not parse has no integer to put on the instance.
        if "mark" in self._errors:
            self.cleaned_data.pop("mark", None)
        if self.event is not None:
            # Validate against the event as typed on this page, saved or not.
            self.instance.event = self.event
        super()._post_clean()


def check_result_rows(rows):
    """
    Rules that need the whole result list: an athlete entered once, and a place shared only
    by equal marks (two winners are a tie, not a typo). `rows` is [(row number, cleaned
    data)]; returns [(row number, field, message)].
    """
    problems = []
    athletes, places = {}, {}
    for number, data in rows:
        athlete = data.get("athlete")
        if athlete is not None:
            if athlete.pk in athletes:
                problems.append(
                    (
                        number,
                        "athlete",
                        _("%(athlete)s is already entered in row %(row)s.")
                        % {"athlete": athlete, "row": athletes[athlete.pk]},
                    )
                )
            else:
                athletes[athlete.pk] = number
        place = data.get("place")
        if place is not None:
            if place in places:
                other_number, other_mark = places[place]
                if data.get("mark") is None or data.get("mark") != other_mark:
                    problems.append(
                        (
                            number,
                            "place",
                            _(
                                "Place %(place)s is also given in row %(row)s with a different "
                                "mark: only equal marks can share a place."
                            )
                            % {"place": place, "row": other_number},
                        )
                    )
            else:
                places[place] = (number, data.get("mark"))
    return problems


class ResultInlineFormSet(BaseInlineFormSet):
    """
    The results of one event, typed in a table. Each row is read for the event's discipline,
    and every error is repeated above the table naming its row and field.
    """

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "event": self.instance}

    def clean(self):
        rows = []
        for number, form in enumerate(self.forms, start=1):
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if hasattr(form, "cleaned_data"):
                rows.append((number, form.cleaned_data))
        for number, field, message in check_result_rows(rows):
            self.forms[number - 1].add_error(field, message)
        if not any(form.errors for form in self.forms):
            # Django's own unique checks, for what the rows above cannot see.
            super().clean()
        summary = []
        for number, form in enumerate(self.forms, start=1):
            for field, errors in form.errors.items():
                label = str(form.fields[field].label).lower() if field in form.fields else _("row")
                summary.extend(
                    _("Row %(row)s, %(field)s: %(message)s")
                    % {"row": number, "field": label, "message": message}
                    for message in errors
                )
        if summary:
            raise forms.ValidationError(summary)
