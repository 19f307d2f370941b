"""The reader's report form, and the forms of an editor's decision in the admin."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from revisions.admin import SafeAutocompleteSelect, valid_pk
from revisions.models import Revision

from .models import MAX_SOURCE, MAX_TEXT, Correction

# The honeypot: a field people never see (hidden by the stylesheet, out of the tab order,
# with a label that says to leave it empty should the stylesheet not load), named as
# spam scripts like to fill in.
HONEYPOT = "website"


class CorrectionForm(forms.Form):
    what_is_wrong = forms.CharField(
        label=_("What is wrong?"),
        max_length=MAX_TEXT,
        help_text=_("Which fact is wrong on this page, and what it should say."),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=MAX_SOURCE,
        help_text=_(
            "Where the right fact can be read: a result sheet, a book, a newspaper, a web page "
            "(with its address)."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("Only for an editor to ask you about it. It is never shown on the site."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 40}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        """Whether the honeypot was filled in: only a script sees it."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    @property
    def honeypot(self):
        return self[HONEYPOT]


class RevisionChoiceField(forms.ModelChoiceField):
    """A revision's id; one that cannot be an id (text, beyond 64 bits) is not a valid choice."""

    def to_python(self, value):
        if value not in self.empty_values and valid_pk(Revision, value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj):
        return obj.autocomplete_label


class DecisionForm(forms.Form):
    """What every decision says: the editor's note."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("For the editors: what was done, or why not."),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class AcceptForm(DecisionForm):
    revision = RevisionChoiceField(
        label=_("Change made"),
        queryset=Revision.objects.select_related("user"),
        required=False,
        help_text=_("The revision that recorded your change: search it by what it changed."),
        # The admin's picker, searching every revision by what it changed.
        widget=SafeAutocompleteSelect(Correction._meta.get_field("revision"), admin.site),
    )
    change_url = forms.URLField(
        label=_("Or its address"),
        required=False,
        max_length=Correction._meta.get_field("change_url").max_length,
        assume_scheme="https",
        help_text=_("Where the change can be seen, when no revision records it."),
    )
    # That one of the two is given is the service's rule (`services.corrections_accept`).
    field_order = ["revision", "change_url", "note"]


class DeclineForm(DecisionForm):
    """A refusal says why in its note, when there is more to say than the report shows."""
