"""`{% load athletes %}`: `{% nation country %}`, a nation's code with its name on hover."""

from django import template
from django.utils.safestring import mark_safe

from athletes.html import escape

register = template.Library()


@register.simple_tag
def nation(country):
    # Built in Python, not an included template: tables print it on every row.
    return mark_safe(
        f'<abbr class="nation" title="{escape(country.label)}">{escape(country.code)}</abbr>'
    )
