"""
Form widgets of the public pages' filters, rendered in Python.

Django renders a <select> through one template per <option>: the nation filter's two
hundred options cost a list page tens of milliseconds (make bench, docs/benchmarks/). This
select writes the same HTML as Django's own templates, string by string.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                (
                    (option["value"], flat_attrs(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            if group_name:
                rendered = format_html(
                    '\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered
                )
            groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flat_attrs(widget["attrs"]),
            mark_safe("".join(groups)),
        )
