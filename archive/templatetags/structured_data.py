import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from archive import structured_data

register = template.Library()

# JSON inside <script> must not close it nor open a comment: the characters that could are
# written as JSON escapes, which any JSON reader turns back.
ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def athlete_json_ld(context, athlete, results):
    return json_ld(structured_data.person(context["request"], athlete, results))


@register.simple_tag(takes_context=True)
def event_json_ld(context, event, rows):
    return json_ld(structured_data.sports_event(context["request"], event, rows))


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """`url` with the scheme and host the page was asked with (unchanged if absolute)."""
    return context["request"].build_absolute_uri(url)
