"""Forms that read marks the way sources write them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Result


class ResultForm(forms.ModelForm):
    """
    A result whose mark is typed as text in any notation `results.marks` reads
    ("1:17:21", "1 h 17' 21\"", "8,95") and stored as an integer in the discipline's unit.
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

    def _discipline(self, cleaned_data):
        event = cleaned_data.get("event") or self.event
        if event is None and self.instance.event_id:
            event = self.instance.event
        return getattr(event, "discipline", None) if event is not None else None

    def clean(self):
        cleaned_data = super().clean()
        text = (cleaned_data.get("mark") or "").strip()
        if not text:
            cleaned_data["mark"] = None
        else:
            discipline = self._discipline(cleaned_data)
            if discipline is None:
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
        super()._post_clean()
