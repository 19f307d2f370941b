"""The link from a public page to the form that reports a mistake on it."""

from django import template
from django.urls import reverse

from ..targets import target_query

register = template.Library()


@register.simple_tag
def correction_url(row):
    """The report form's address for `row`: an athlete, a competition or an event."""
    return f"{reverse('corrections:new')}?{target_query(row)}"
