"""
How results read on every page: a mark with its flags and record tags, the wind, a medal
table. `{% load results %}`, then `{% mark result %}`, `{% wind result %}`,
`{% medal_table table subject=_("Nation") caption=… %}`.
"""

from django import template

register = template.Library()


@register.inclusion_tag("includes/mark.html")
def mark(result, tied=False):
    """
    The mark as statisticians print it: 9.58, then its flags (w wind-aided, nwi no wind
    reading, h hand-timed, i indoor, A altitude), "=" for a tie, and its record tags.
    """
    return {"result": result, "tied": tied}


@register.inclusion_tag("includes/wind.html")
def wind(result):
    """The wind reading signed to a tenth (+1.2, -0.3), or "n/m" when not measured."""
    return {"result": result}


@register.inclusion_tag("includes/medal_table.html")
def medal_table(table, subject, caption, rank=False, total=False, empty_text=""):
    """A medal table: one row per nation, athlete or championship (`standings.medals`)."""
    return {
        "table": table,
        "subject_label": subject,
        "caption": caption,
        "show_rank": rank,
        "show_total": total,
        "empty_text": empty_text,
    }
