"""
How results read on every page: a mark with its flags and record tags, the wind, a medal
table, a podium, the rows of an all-time list and of a profile's tables, a progression's
chart. `{% load results %}`, then `{% mark result %}`, `{% wind result %}`,
`{% medal_table table subject=_("Nation") caption=… %}`, `{% podium results highlight=… %}`,
`{% list_rows rows ranked discipline %}`, `{% result_rows rows discipline %}`,
`{% event_rows rows discipline %}`,
`{% season_rows line %}`, `{% chart_figure chart title=… %}`,
`{% rival_rows athlete rivals %}`; a medal table's rows are `medal_rows`, inside
`medal_table`.
"""

from django import template
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from athletes.html import escape
from athletes.links import link
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
    """
    The wind reading signed to a tenth (+1.2, -0.3), or "n/m" when a mark was made without
    one; nothing beside no mark (a DNF).
    """
    if result.wind is not None:
        return f"{result.wind:+.1f}"
    if result.mark is not None and result.wind_not_measured:
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


def round_note(event):
    """After a competition's name, the round of an event that is not its final: "(heat)"."""
    if event.round == event.Round.FINAL:
        return ""
    return f' <span class="round">({escape(str(event.get_round_display()).lower())})</span>'


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
            f'<td><a href="{escape(event.get_absolute_url())}">{escape(competition.name)}</a>'
            f"{round_note(event)}</td>"
            f'<td class="num">{competition.year}</td></tr>'
        )
    return mark_safe("".join(html))


@register.simple_tag
def result_rows(rows, discipline):
    """
    The rows of an athlete's results in one discipline (`athletes/includes/results.html`,
    `standings.athlete.ResultRow`): date (else year), competition, venue, place (else the
    status of an unfinished race), mark, wind where measured, average speed, age, notes.
    Written in one tag, as `list_rows` is: the busiest profile prints a few hundred rows.
    """
    wind_measured = discipline.wind_measured
    day_format = _("j M Y")  # as the date filter takes it: a format in the reader's language
    video = escape(_("video"))
    html = []
    for row in rows:
        result = row.result
        event = result.event
        competition = event.competition
        if event.date:
            when = (
                f'<time datetime="{event.date.isoformat()}">'
                f"{escape(date_format(event.date, day_format))}</time>"
            )
        else:
            when = competition.year
        if result.place:
            place = localize(result.place)
        else:
            place = "" if result.is_finished else escape(result.status)
        speed = result.speed_kmh
        note = escape(result.note)
        if event.video_url:
            note += f' <a href="{escape(event.video_url)}" rel="external">{video}</a>'
        html.append(
            f"\n      <tr><td>{when}</td>"
            f'<th scope="row"><a href="{escape(event.get_absolute_url())}">'
            f"{escape(competition.name)}</a>{round_note(event)}</th>"
            f"<td>{escape(competition.city)} {nation(competition.country)}</td>"
            f'<td class="num">{place}</td>'
            f'<td class="num mark">{mark(result)}</td>'
            + (f'<td class="num">{wind(result)}</td>' if wind_measured else "")
            + f'<td class="num">{"" if speed is None else localize(speed)}</td>'
            f'<td class="num">{escape(row.age)}</td>'
            f"<td>{note}</td></tr>"
        )
    return mark_safe("".join(html))


@register.simple_tag
def event_rows(rows, discipline):
    """
    The rows of an event's full results (`results/event_detail.html`,
    `standings.events.EventRow`): place (else the status of an unfinished race), athlete,
    nation, mark with its tie, wind where measured, average speed for a distance, notes.
    Written in one tag, as `list_rows` is: the largest event's page (make bench) went from
    about 5.3 to 4.6 ms of the server's time.
    """
    wind_measured, has_distance = discipline.wind_measured, bool(discipline.distance_m)
    html = []
    for row in rows:
        result = row.result
        athlete = result.athlete
        finished = result.is_finished
        if result.place:
            place = localize(result.place)
        elif not finished:
            status = escape(result.get_status_display())
            place = f'<abbr title="{status}">{escape(result.status)}</abbr>'
        else:
            place = ""
        speed = result.speed_kmh if has_distance else None
        html.append(
            ("\n    <tr>" if finished else '\n    <tr class="unfinished">')
            + f'<td class="num">{place}</td>'
            f'<th scope="row"><a href="{escape(athlete.get_absolute_url())}">'
            f"{escape(athlete.name)}</a></th>"
            f"<td>{nation(result.country)}</td>"
            f'<td class="num mark">{mark(result, tied=row.tied)}</td>'
            + (f'<td class="num">{wind(result)}</td>' if wind_measured else "")
            + (
                f'<td class="num">{"" if speed is None else localize(speed)}</td>'
                if has_distance
                else ""
            )
            + f"<td>{escape(result.note)}</td></tr>"
        )
    return mark_safe("".join(html))


@register.simple_tag
def medal_rows(table, show_rank):
    """
    The rows of a medal table (`includes/medal_table.html`): rank when asked, the nation,
    athlete or championship with its link (and an athlete's nation), the medals and total.
    Written in one tag, as `list_rows` is: a nation's medallists are a few hundred rows.
    Counts are whole numbers, unlocalized.
    """
    html = []
    for row in table.rows:
        rank = f'<td class="num">{row.rank}</td>' if show_rank else ""
        nation_of = f" {nation(row.nation)}" if row.nation else ""
        html.append(
            f"\n    <tr>{rank}"
            f'<th scope="row"><a href="{escape(row.url)}">{escape(row.label)}</a>{nation_of}</th>'
            f'<td class="num">{row.gold}</td><td class="num">{row.silver}</td>'
            f'<td class="num">{row.bronze}</td><td class="num total">{row.total}</td></tr>'
        )
    return mark_safe("".join(html))


@register.simple_tag
def podium(results, highlight=None):
    """
    A race's first three as a list (`standings.events.top_three_by_event`): place, athlete
    with nation, mark with its letters and record tags (`mark`); `highlight`'s own place
    marked. Written in one tag, as `list_rows` is: a busy profile prints a dozen podiums, a
    competition one per event.
    """
    if not results:
        empty = escape(_("No podium recorded."))  # outside the f-string, where xgettext finds it
        return mark_safe(f'<ol class="podium">\n  <li class="muted">{empty}</li>\n</ol>')
    own = None if highlight is None else highlight.pk
    html = ['<ol class="podium">']
    for result in results:
        athlete = result.athlete
        html.append(
            f'\n  <li class="podium-place place-{result.place}'
            + (" is-self" if result.athlete_id == own else "")
            + f'">\n    <span class="place">{result.place}</span>'
            f'\n    <span class="who"><a href="{escape(athlete.get_absolute_url())}">'
            f"{escape(athlete.name)}</a> {nation(result.country)}</span>"
            f'\n    <span class="mark">{mark(result)}</span>\n  </li>'
        )
    html.append("\n</ol>")
    return mark_safe("".join(html))


def apart_link(result):
    """The better mark kept apart (a `Best`'s `apart`), linked to its race; none, nothing."""
    if result is None:
        return ""
    return f'<a href="{escape(result.event.get_absolute_url())}">{mark(result)}</a>'


@register.simple_tag
def season_rows(line):
    """
    The rows of a progression's table (`standings.bests.Progression`): each year with its
    best counting mark and its competition, or "no legal mark", and the better mark kept
    apart where the table shows them. Written in one tag, as `result_rows` is.
    """
    no_legal_mark = escape(_("no legal mark"))
    any_apart = line.any_apart
    html = []
    for year, best in line.seasons:
        result = best.result
        if result:
            event = result.event
            cells = (
                f'<td class="num mark">{mark(result)}</td>'
                f'<td><a href="{escape(event.get_absolute_url())}">'
                f"{escape(event.competition.name)}</a></td>"
            )
        else:
            cells = f'<td class="num muted">{no_legal_mark}</td><td></td>'
        if any_apart:
            cells += f'<td class="apart">{apart_link(best.apart)}</td>'
        html.append(f'\n        <tr><th scope="row">{year}</th>{cells}</tr>')
    return mark_safe("".join(html))


@register.simple_tag
def chart_figure(chart, title):
    """
    A line chart (`results.charts.LineChart`) as an inline SVG figure, its name `title` read
    out in place of the drawing (whose numbers stand in the table under it). Written in
    Python, as the table's rows are: a profile draws one per discipline.
    """
    label = _("Progression chart, %(title)s: the numbers are in the table below") % {"title": title}
    left, right, bottom = chart.left, chart.right, chart.bottom
    html = [
        f'<figure class="chart">\n  <svg viewBox="0 0 {chart.width} {chart.height}" '
        f'role="img" aria-label="{escape(label)}">'
        f'\n    <line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        f'\n    <line class="axis" x1="{left}" y1="8" x2="{left}" y2="{bottom}"/>\n    '
    ]
    html.extend(
        f'<line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
        f'<text class="tick" x="{chart.y_label_x}" y="{y}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(tick)}</text>'
        for y, tick in chart.y_ticks
    )
    html.append("\n    ")
    html.extend(
        f'<text class="tick" x="{x}" y="{chart.x_label_y}" text-anchor="middle">'
        f"{escape(tick)}</text>"
        for x, tick in chart.x_ticks
    )
    html.append(f'\n    <polyline class="line" points="{chart.polyline}"/>\n    ')
    html.extend(
        f'<circle class="dot" cx="{point.cx}" cy="{point.cy}" r="4"><title>'
        f"{escape(point.label)}: {escape(point.value_label)}</title></circle>"
        for point in chart.points
    )
    html.append("\n  </svg>\n</figure>")
    return mark_safe("".join(html))


@register.simple_tag
def rival_rows(athlete, rivals):
    """
    The rows of an athlete's rivals (`standings.athlete.Rival`): the rival with nation, the
    races together, who finished ahead how often, and a link to the head-to-head page.
    Written in one tag, as `result_rows` is.
    """
    compare = escape(_("head to head"))
    html = []
    for rival in rivals:
        other = rival.athlete
        label = _("head to head with %(name)s") % {"name": other.name}
        versus = link("athletes:head-to-head", athlete.slug, other.slug)
        html.append(
            "\n      <tr>"
            f'\n        <th scope="row"><a href="{escape(other.get_absolute_url())}">'
            f"{escape(other.name)}</a> {nation(other.country)}</th>"
            f'\n        <td class="num">{rival.meetings}</td>'
            f'\n        <td class="num">{rival.ahead}</td>'
            f'\n        <td class="num">{rival.behind}</td>'
            f'\n        <td><a href="{escape(versus)}"'
            f' aria-label="{escape(label)}">{compare}</a></td>'
            "\n      </tr>"
        )
    return mark_safe("".join(html))


@register.simple_tag
def best_rows(bests):
    """
    The rows of a profile's personal bests, road or track (`standings.bests.BestsTable`):
    the discipline, the best counting mark with its average speed, year, venue and
    competition (or "no legal mark"), and the better mark kept apart where the table shows
    them. Written in one tag, as `result_rows` is.
    """
    any_apart = bests.any_apart
    html = []
    for best in bests:
        discipline, result = best.discipline, best.result
        if result:
            event = result.event
            competition = event.competition
            speed = best.speed_kmh
            speed = _("%(speed)s km/h") % {"speed": localize(speed)} if speed else ""
            place = (
                " · " + _("place %(place)s") % {"place": localize(result.place)}
                if result.place
                else ""
            )
            cells = (
                f'\n        <td class="num mark">{mark(result)}</td>'
                f'\n        <td class="num">{escape(speed)}</td>'
                f'\n        <td class="num">{competition.year}</td>'
                f"\n        <td>{escape(competition.city)} {nation(competition.country)}</td>"
                f'\n        <td><a href="{escape(event.get_absolute_url())}">'
                f"{escape(competition.name)}</a>{escape(place)}</td>"
            )
        else:
            no_legal_mark = escape(_("no legal mark"))
            cells = (
                f'\n        <td class="num mark muted">{no_legal_mark}</td>'
                "<td></td><td></td><td></td><td></td>"
            )
        if any_apart:
            year = f" ({best.apart.event.competition.year})" if best.apart else ""
            cells += f'\n        <td class="apart">{apart_link(best.apart)}{year}</td>'
        html.append(
            "\n      <tr>"
            f'\n        <th scope="row"><a href="{escape(discipline.get_absolute_url())}">'
            f"{escape(discipline.label)}</a></th>{cells}\n      </tr>"
        )
    return mark_safe("".join(html))
