"""`{% load athletes %}`: `{% nation country %}`, a nation's code with its name on hover."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def nation(country):
    # Built in Python, not an included template: tables print it on every row.
    return format_html('<abbr class="nation" title="{}">{}</abbr>', country.label, country.code)
