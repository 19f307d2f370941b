"""The filters' widgets, rendered in Python, write what Django's own templates write."""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe

from results.widgets import (
    FastCheckboxes,
    FastCheckboxInput,
    FastNumberInput,
    FastSelect,
    FastTextInput,
    FilterForm,
)

CHOICES = [("", "All"), ("a", "A & <b>"), ("Group", [("x", "X"), ("y", "Y")]), (3, "three")]


def squeezed(html):
    return re.sub(r"\n\s*", "", html)


@pytest.mark.parametrize("value", ["a", "", 3, "x", None, "unknown"])
def test_the_fast_select_writes_djangos_html(value):
    attrs = {"id": "id_f", "required": True, "disabled": False, "class": 'a"b'}
    django_html = forms.Select(choices=CHOICES, attrs=attrs).render("f", value)
    fast_html = FastSelect(choices=CHOICES, attrs=attrs).render("f", value)
    assert squeezed(fast_html) == squeezed(django_html)


def test_the_same_text_marked_safe_or_not_is_escaped_as_django_escapes_it():
    for label in ("<b>bold</b>", mark_safe("<b>bold</b>"), "<b>bold</b>"):
        choices = [("a", label)]
        django_html = forms.Select(choices=choices).render("f", "a")
        assert squeezed(FastSelect(choices=choices).render("f", "a")) == squeezed(django_html)


def test_the_list_filters_render_the_same_form(client, perez):
    html = client.get("/disciplines/20KW/", {"country": "ECU"}).content.decode()
    assert '<option value="ECU" selected>Ecuador (ECU)</option>' in html


def test_the_fast_select_marks_one_option_of_a_model_choice_field(perez):
    from athletes.models import Country

    field = forms.ModelChoiceField(
        Country.objects.order_by("code"), to_field_name="code", widget=FastSelect
    )
    django_field = forms.ModelChoiceField(Country.objects.order_by("code"), to_field_name="code")
    fast_html = field.widget.render("country", "ECU")
    assert squeezed(fast_html) == squeezed(django_field.widget.render("country", "ECU"))
    assert fast_html.count(" selected") == 1


ATTRS = {"id": "id_f", "required": True, "disabled": False, "class": 'a"b'}


@pytest.mark.parametrize(
    ("fast", "django", "value"),
    [
        (FastTextInput, forms.TextInput, 'Pérez & "Jeff" <b>'),
        (FastTextInput, forms.TextInput, None),
        (FastTextInput, forms.TextInput, ""),
        (FastNumberInput, forms.NumberInput, 1996),
        (FastNumberInput, forms.NumberInput, "19x6"),
        (FastCheckboxInput, forms.CheckboxInput, True),
        (FastCheckboxInput, forms.CheckboxInput, False),
        (FastCheckboxInput, forms.CheckboxInput, "on"),
        (FastCheckboxInput, forms.CheckboxInput, None),
    ],
)
def test_the_fast_inputs_write_djangos_html(fast, django, value):
    assert fast(attrs=ATTRS).render("f", value) == django(attrs=ATTRS).render("f", value)


@pytest.mark.parametrize("value", [[], ["a"], ["a", 3], None, ["unknown"]])
@pytest.mark.parametrize("attrs", [{"id": "id_f", "class": "boxes"}, {}])
def test_the_fast_checkboxes_write_djangos_html(value, attrs):
    choices = [("a", "A & <b>"), (3, "three")]
    django_html = forms.CheckboxSelectMultiple(choices=choices, attrs=attrs).render("f", value)
    fast_html = FastCheckboxes(choices=choices, attrs=attrs).render("f", value)
    assert fast_html == django_html


def test_each_fast_checkbox_writes_djangos_html_when_printed_alone():
    class Form(forms.Form):
        include = forms.MultipleChoiceField(choices=[("a", "A & <b>"), (3, "three")])

    fast_form, django_form = Form({"include": ["a"]}), Form({"include": ["a"]})
    fast_form.fields["include"].widget = FastCheckboxes(choices=[("a", "A & <b>"), (3, "three")])
    django_form.fields["include"].widget = forms.CheckboxSelectMultiple(
        choices=[("a", "A & <b>"), (3, "three")]
    )
    for fast, django in zip(fast_form["include"], django_form["include"], strict=True):
        assert fast.tag() == django.tag()
        assert fast.tag(wrap_label=True) == django.tag(wrap_label=True)
        assert str(fast) == str(django)


class Labelled(forms.Form):
    name = forms.CharField(label="Name & <title>")
    asked = forms.CharField(label="Why?", required=False)
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    hidden_id = forms.CharField(label="Own id", widget=forms.TextInput(attrs={"id": "own"}))


class FastLabelled(FilterForm, Labelled):
    pass


@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("required_css_class", [None, "required"])
def test_a_filter_forms_labels_are_djangos(auto_id, required_css_class):
    forms_ = [form_class(auto_id=auto_id) for form_class in (Labelled, FastLabelled)]
    for form in forms_:
        if required_css_class:
            form.required_css_class = required_css_class
    django_form, fast_form = forms_
    for name in django_form.fields:
        # Fresh options for each call: Django adds the required class to the attrs it is given.
        for options in (
            lambda: {},
            lambda: {"attrs": {"class": "x"}},
            lambda: {"label_suffix": ""},
            lambda: {"tag": "span"},
        ):
            fast, django = (
                fast_form[name].label_tag(**options()),
                django_form[name].label_tag(**options()),
            )
            assert fast == django
