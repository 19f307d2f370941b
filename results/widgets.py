"""
Form widgets of the public pages' filters, rendered in Python.

Django renders a <select> through one template per <option>, after building a dictionary of
attributes for each: the nation filter's two hundred options cost a list page several
milliseconds (make bench, docs/benchmarks/). This select writes the same HTML as Django's own
templates straight from its choices.
"""

import functools

from django import forms
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def flat_attrs(attrs):
    """name="value" pairs as Django's attrs.html writes them: True alone, False left out."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        # Through iter(): a tuple of the choices themselves would ask their length first,
        # which a model choice field counts with a query of its own.
        choices = tuple(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            options = self.grouped_options(choices, values)
        else:
            # Flat choices (every filter's): each option written once per list of choices,
            # in the reader's language, and only the chosen one marked on each page.
            tags = _option_tags(
                tuple(
                    ("" if key is None else str(key), str(label), hasattr(label, "__html__"))
                    for key, label in choices
                )
            )
            options = []
            has_selected = False
            for key, tag, selected_tag in tags:
                selected = not has_selected and key in values
                has_selected |= selected
                options.append(selected_tag if selected else tag)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flat_attrs(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),
        )

    @staticmethod
    def grouped_options(choices, values):
        has_selected = False

        def option(option_value, label):
            nonlocal has_selected
            selected = not has_selected and str(option_value) in values
            has_selected |= selected
            return _option(option_value, label, selected)

        html = []
        for group_value, group_label in choices:
            if group_value is None:
                group_value = ""
            if isinstance(group_label, (list, tuple)):
                options = "".join(option(value, label) for value, label in group_label)
                if group_value:
                    label = conditional_escape(group_value)
                    html.append(f'\n  <optgroup label="{label}">{options}\n  </optgroup>')
                else:
                    html.append(options)
            else:
                html.append(option(group_value, group_label))
        return html


def _option(value, label, selected):
    marked = " selected" if selected else ""
    return f'\n  <option value="{escape(value)}"{marked}>{conditional_escape(label)}</option>'


@functools.lru_cache(maxsize=64)
def _option_tags(choices):
    """
    (value, option, option selected) of flat (value, label, whether the label is safe HTML)
    choices, as Django writes them: the same text is escaped unless it was marked safe.
    """
    tags = []
    for key, label, safe in choices:
        label = mark_safe(label) if safe else label
        tags.append((key, _option(key, label, False), _option(key, label, True)))
    return tuple(tags)


class FastInput:
    """
    An input written in Python as Django's input.html and attrs.html write it: each filter
    form has several, and their two templates cost a list page about a millisecond.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            flat_attrs(widget["attrs"]),
        )


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastNumberInput(FastInput, forms.NumberInput):
    pass


class FastCheckboxInput(FastInput, forms.CheckboxInput):
    pass


class FastCheckboxes(forms.CheckboxSelectMultiple):
    """
    Checkboxes written in Python as Django's multiple_input.html writes them (no groups),
    and each box too when a template prints them one by one (`{{ choice.tag }}`).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        boxes = [
            format_html("<div>\n    {}\n\n</div>", self.option_html(option, wrap_label=True))
            for _group, options, _index in widget["optgroups"]
            for option in options
        ]
        outer = {"id": widget["attrs"].get("id"), "class": widget["attrs"].get("class")}
        return format_html("<div{}>{}\n</div>", flat_attrs(outer), mark_safe("".join(boxes)))

    def _render(self, template_name, context, renderer=None):
        # A BoundWidget's tag() renders one option through the option template.
        if template_name == self.option_template_name:
            return self.option_html(context["widget"], wrap_label=context["widget"]["wrap_label"])
        return super()._render(template_name, context, renderer)

    @staticmethod
    def option_html(option, *, wrap_label):
        box = format_html(
            '<input type="{}" name="{}" value="{}"{}>',
            option["type"],
            option["name"],
            option["value"],
            flat_attrs(option["attrs"]),
        )
        if not wrap_label:
            return box
        label_for = option["attrs"].get("id")
        opening = format_html('<label for="{}">', label_for) if label_for else mark_safe("<label>")
        return format_html("{}{}\n {}</label>", opening, box, option["label"])


class FilterForm(forms.Form):
    """
    A public filter's form: its labels written in Python as Django's label.html and
    attrs.html write them (`label_tag` itself is Django's), since each label otherwise goes
    through two templates, about a third of a filter form's rendering. A range of years
    that ends before it starts is an error of the form, not an empty list.
    """

    def clean(self):
        cleaned_data = super().clean()
        first, last = cleaned_data.get("year_from"), cleaned_data.get("year_to")
        if first is not None and last is not None and last < first:
            self.add_error(
                "year_to",
                _("The years end (%(last)s) before they start (%(first)s).")
                % {"last": last, "first": first},
            )
        return cleaned_data

    def render(self, template_name=None, context=None, renderer=None):
        if template_name == self.template_name_label and context is not None:
            label = conditional_escape(context["label"])
            if not context["use_tag"]:
                return mark_safe(label)
            tag = context["tag"]
            return format_html("<{}{}>{}</{}>", tag, flat_attrs(context["attrs"] or {}), label, tag)
        return super().render(template_name, context, renderer)
