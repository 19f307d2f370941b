"""
How results read on every page: a mark with its flags and record tags, the wind, a medal
table, the rows of an all-time list. `{% load results %}`, then `{% mark result %}`,
`{% wind result %}`, `{% medal_table table subject=_("Nation") caption=… %}`,
`{% list_rows rows ranked discipline %}`.
"""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from athletes.templatetags.athletes import nation

register = template.Library()


# `mark` and `wind` are built in Python rather than included templates, and with plain
# f-strings rather than format_html: a list prints them on every one of its hundred rows.


@register.simple_tag
def mark(result, tied=False):
    """
    The mark as statisticians print it: 9.58, then its flags (w wind-aided, nwi no wind
    reading, h hand-timed, i indoor, A altitude), "=" for a tie, and its record tags.
    """
    html = [escape(result.mark_display)]
    html.extend(
        f'<abbr class="flag" title="{escape(label)}">{escape(flag)}</abbr>'
        for flag, label in result.flag_labels
    )
    if tied:
        title = escape(_("Tie"))  # outside the f-string, where xgettext finds it
        html.append(f' <span class="tie" title="{title}">=</span>')
    html.extend(f' <span class="record-tag">{escape(tag)}</span>' for tag in result.record_labels)
    return mark_safe("".join(html))


@register.simple_tag
def wind(result):
    """The wind reading signed to a tenth (+1.2, -0.3), or "n/m" when not measured."""
    if result.wind is not None:
        return f"{result.wind:+.1f}"
    if result.wind_not_measured:
        return format_html('<span class="muted" title="{}">{}</span>', _("not measured"), _("n/m"))
    return ""


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


@register.simple_tag
def list_rows(rows, ranked, discipline):
    """
    The rows of an all-time list's table (`results/includes/list_table.html`), each result
    with its rank when `ranked`: mark, wind where the discipline measures it, athlete, nation,
    place, competition and year. Written in one tag, as `mark` is: through the template
    engine a hundred rows took 4.5 ms, most of an all-time list's rendering (make bench).
    Whole numbers are unlocalized, as the same in every language.
    """
    wind_measured = discipline.wind_measured
    html = []
    for result in rows:
        athlete, event = result.athlete, result.event
        competition = event.competition
        place = "" if result.place is None else result.place
        html.append(
            "\n    <tr>"
            + (f'<td class="num">{result.rank}</td>' if ranked else "")
            + f'<td class="num mark">{mark(result)}</td>'
            + (f'<td class="num">{wind(result)}</td>' if wind_measured else "")
            + f'<th scope="row"><a href="{escape(athlete.get_absolute_url())}">'
            f"{escape(athlete.name)}</a></th>"
            f"<td>{nation(result.country)}</td>"
            f'<td class="num">{place}</td>'
            f'<td><a href="{escape(event.get_absolute_url())}">{escape(competition.name)}</a></td>'
            f'<td class="num">{competition.year}</td></tr>'
        )
    return mark_safe("".join(html))
