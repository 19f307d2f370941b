"""
Every table a reader sees, as a file to take away: the same address as the page with
`?format=csv` or `?format=json` (and `table=…` where a page shows several tables), so that
the page's own filters and order apply. The file holds the whole filtered table, not the one
page shown, up to the bound each list sets.

Each table declares its columns once (`Column`: a name and how a row gives its value); the
values are those the page prints (a mark as `results.marks` formats it, a wind as the `wind`
tag writes it), beside the raw fields a statistician sorts and joins by (places, codes,
slugs, dates, flags). `respond` writes any table as CSV (UTF-8, a header row, no comment
lines) or JSON (the licence, the page's address, the filters applied, the rows). Every row
names the sources its facts were read from (see `Result.sources`), and every file carries
the data's licence, CC BY 4.0: in the JSON and in a `Link: <…>; rel="license"` header.

A file costs a fixed number of queries whatever the table holds: those the page runs for the
table, plus one for the rows' sources.
"""

import csv
import functools
import gc
import io
import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from athletes.models import Source

from .templatetags.results import wind as wind_tag

LICENSE_NAME = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

# Query parameters that choose the file rather than the rows: not part of the page's address.
DOWNLOAD_PARAMETERS = ("format", "table", "page")

# The tables of an athlete's profile, the first one downloaded when none is named.
ATHLETE_TABLES = ("results", "bests", "medals")
# The tables of a page showing medals by nation and by athlete.
MEDAL_TABLES = ("nations", "athletes")


@dataclass(frozen=True)
class Download:
    """The file a request asks for: its format, and which of the page's tables."""

    format: str
    table: str = ""


def requested(request, tables=()):
    """
    The file a request asks for, or None for the page itself. An unknown `format` is ignored
    (the page is shown); on a page of several `tables`, a missing `table` is the first one
    and an unknown one is a bad request.
    """
    file_format = request.GET.get("format")
    if file_format not in CONTENT_TYPES:
        return None
    if not tables:
        return Download(file_format)
    table = request.GET.get("table") or tables[0]
    if table not in tables:
        raise BadRequest(
            _("Unknown table “%(table)s”: choose one of %(tables)s.")
            % {"table": table, "tables": ", ".join(tables)}
        )
    return Download(file_format, table)


@dataclass(frozen=True)
class Column:
    """One column of a file: its name (the CSV header, the JSON key) and a row's value."""

    name: str
    value: Callable
    is_url: bool = False

    def of(self, row):
        return self.value(row)


# Building a file ------------------------------------------------------------------------


@contextmanager
def collector_paused():
    """
    Python's cyclic garbage collector paused for the block. A file of 10,000 rows builds
    some 80,000 model instances and as many dicts, which all live until it is written: the
    collector, run by the count of objects made, walked them again and again, 1.4 s of the
    2.3 s an all-time list's file took (make bench's archive). Nothing a file builds needs
    it: what is no longer used is freed by its reference count, and cycles made meanwhile
    (in another thread too) wait for the next collection. Nested, or in several threads at
    once, the block that found the collector on turns it back on as it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def builds_files(view):
    """A view whose files (`?format=csv` or `json`) are built with the collector paused."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.GET.get("format") not in CONTENT_TYPES:
            return view(request, *args, **kwargs)
        with collector_paused():
            return view(request, *args, **kwargs)

    return wrapper


# Writing a file --------------------------------------------------------------------------


def respond(request, download, columns, rows, *, name, title, filters=None, anchor="", **extra):
    """
    The table as the file `download` asks for. `name` makes the file's name, `title` says
    what it holds; `filters` are those the page applied, `anchor` the table's place on the
    page; `extra` (a list's bound, whether it was reached) goes into the JSON as it is.
    """
    table = [
        {
            column.name: _absolute(request, column.of(row)) if column.is_url else column.of(row)
            for column in columns
        }
        for row in rows
    ]
    filename = f"{slugify(name) or 'table'}.{download.format}"
    if download.format == "csv":
        content = _csv(columns, table)
        disposition = content_disposition_header(True, filename)
    else:
        content = _json(
            {
                "title": str(title),
                "license": {"name": LICENSE_NAME, "url": LICENSE_URL},
                "source_url": page_url(request) + (f"#{anchor}" if anchor else ""),
                "filters": filters or {},
                **extra,
                "columns": [column.name for column in columns],
                "rows": table,
            }
        )
        disposition = content_disposition_header(False, filename)
    response = HttpResponse(content, content_type=CONTENT_TYPES[download.format])
    response["Content-Disposition"] = disposition
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


def page_url(request):
    """The page the file was taken from, with its filters, as a reader would link to it."""
    parameters = request.GET.copy()
    for key in DOWNLOAD_PARAMETERS:
        parameters.pop(key, None)
    query = parameters.urlencode()
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else url


def _csv(columns, table):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(column.name for column in columns)
    for row in table:
        writer.writerow(_spreadsheet_safe(_csv_value(row[column.name])) for column in columns)
    return out.getvalue().encode()


# A cell a spreadsheet would run as a formula ("=HYPERLINK(…)", "+SUM(…)", "@…"), unless
# it is a number ("-0.3", "+1.5", a wind or a gap).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d.,:]*")


def _spreadsheet_safe(text):
    """The cell as a spreadsheet shows it and never runs it: a formula is quoted (')."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_csv_value(item) for item in value)
    if isinstance(value, Source):
        return f"{value.title} <{value.url}>" if value.url else value.title
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json(payload):
    return json.dumps(payload, default=_json_value, ensure_ascii=False).encode()


def _json_value(value):
    if isinstance(value, Source):
        return {
            "slug": value.slug,
            "title": value.title,
            "publisher": value.publisher,
            "url": value.url,
        }
    if isinstance(value, date):
        return value.isoformat()
    # Decimals (a speed) and lazy translations are written as the page prints them.
    if isinstance(value, (Decimal, Promise)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not written in a download")


def described(cleaned_data):
    """A form's cleaned data as a file states its filters: the rows' natural keys, no blanks."""
    filters = {}
    for key, value in cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        if hasattr(value, "natural_key"):
            value = value.natural_key()[0]
        elif isinstance(value, (list, tuple)):
            value = list(value)
        filters[key] = value
    return filters


def prefetch_sources(results):
    """The sources each result cites, in one query for them all."""
    prefetch_related_objects([result for result in results if result is not None], "sources")


def cited_by(results):
    """The sources that `results` cite (prefetched), each once, by title."""
    cited = {}
    for result in results:
        if result is not None:
            cited.update((source.pk, source) for source in result.sources.all())
    return sorted(cited.values(), key=lambda source: (source.title, source.slug))


# A result's columns, as every table of results prints them ---------------------------------


def _wind(result):
    return strip_tags(wind_tag(result))


RESULT_FIELDS = {
    "place": (lambda result: result.place, False),
    "status": (lambda result: result.status, False),
    "athlete": (lambda result: result.athlete.name, False),
    "athlete_slug": (lambda result: result.athlete.slug, False),
    "athlete_url": (lambda result: result.athlete.get_absolute_url(), True),
    "nation": (lambda result: result.country.code, False),
    "mark": (lambda result: result.mark_display, False),
    "flags": (lambda result: result.flags, False),
    "records": (lambda result: result.record_labels, False),
    "wind": (_wind, False),
    "speed_kmh": (lambda result: result.speed_kmh, False),
    "note": (lambda result: result.note, False),
    "competition": (lambda result: result.event.competition.name, False),
    "competition_slug": (lambda result: result.event.competition.slug, False),
    "city": (lambda result: result.event.competition.city, False),
    "venue_nation": (lambda result: result.event.competition.country.code, False),
    "year": (lambda result: result.event.competition.year, False),
    "date": (lambda result: result.event.date, False),
    "discipline": (lambda result: result.event.discipline.code, False),
    "sex": (lambda result: result.event.sex, False),
    "round": (lambda result: result.event.round, False),
    "event_url": (lambda result: result.event.get_absolute_url(), True),
    "video_url": (lambda result: result.event.video_url, False),
    "sources": (lambda result: list(result.sources.all()), False),
}


def result_columns(*names, of=lambda row: row, prefix=""):
    """
    Columns of a result's fields (`RESULT_FIELDS`), for rows that hold a result (`of` finds
    it; a row without one gives empty values), each named `prefix` + the field's name.
    """

    def column(name):
        value, is_url = RESULT_FIELDS[name]

        def of_row(row):
            result = of(row)
            return None if result is None else value(result)

        return Column(prefix + name, of_row, is_url)

    return [column(name) for name in names]


# An event's result list -----------------------------------------------------------------


def _of_event_row(row):
    return row.result


EVENT_COLUMNS = [
    *result_columns(
        "place",
        "status",
        "athlete",
        "athlete_slug",
        "athlete_url",
        "nation",
        "mark",
        "flags",
        of=_of_event_row,
    ),
    # A shared place or an equal mark, which the page marks "=".
    Column("tied", lambda row: row.tied),
    *result_columns(
        "records",
        "wind",
        "speed_kmh",
        "note",
        "competition",
        "competition_slug",
        "year",
        "date",
        "discipline",
        "sex",
        "round",
        "event_url",
        "sources",
        of=_of_event_row,
    ),
]


def event_file(request, download, event, rows):
    """An event's full result list (`standings.events.event_results`), in sheet order."""
    prefetch_sources(row.result for row in rows)
    competition = event.competition
    return respond(
        request,
        download,
        EVENT_COLUMNS,
        rows,
        name=f"{competition.slug}-{event.discipline.code}-{event.sex}-{event.round}",
        title=f"{competition.name}: {event.title}",
    )


# All-time and season lists ----------------------------------------------------------------

LIST_COLUMNS = [
    Column("rank", lambda result: result.rank),
    *result_columns(
        "mark",
        "flags",
        "records",
        "wind",
        "athlete",
        "athlete_slug",
        "athlete_url",
        "nation",
        "place",
        "competition",
        "competition_slug",
        "city",
        "venue_nation",
        "year",
        "date",
        "discipline",
        "sex",
        "round",
        "event_url",
        "sources",
    ),
]


def list_file(request, download, discipline, ranked, *, limit, title, name, filters):
    """
    A ranked list (`standings.lists.RankedMarks`) from its first row, up to `limit` rows:
    the file says whether the list went on beyond them (`truncated`).
    """
    rows = ranked.with_venue()[: limit + 1]
    truncated = len(rows) > limit
    rows = rows[:limit]
    prefetch_sources(rows)
    return respond(
        request,
        download,
        LIST_COLUMNS,
        rows,
        name=name,
        title=title,
        filters=filters,
        limit=limit,
        truncated=truncated,
    )


# Medal tables -----------------------------------------------------------------------------


def _medal_columns(subject, code, nation=False, rank=True):
    """The columns of a medal table whose rows are `subject`s, known by `code`."""
    return [
        *([Column("rank", lambda row: row.rank)] if rank else []),
        Column(subject, lambda row: row.name),
        Column(code, lambda row: row.subject.natural_key()[0]),
        *([Column("nation", lambda row: row.nation.code)] if nation else []),
        Column("gold", lambda row: row.gold),
        Column("silver", lambda row: row.silver),
        Column("bronze", lambda row: row.bronze),
        Column("total", lambda row: row.total),
        Column("url", lambda row: row.url, is_url=True),
        Column("sources", lambda row: row.sources),
    ]


MEDAL_COLUMNS = {
    "nations": _medal_columns("nation", "nation_code"),
    "athletes": _medal_columns("athlete", "athlete_slug", nation=True),
    "championships": _medal_columns("championship", "championship_slug", rank=False),
}
# What each table groups the medals by (a column of `Medal`).
MEDAL_GROUPS = {
    "nations": "country_id",
    "athletes": "athlete_id",
    "championships": "championship_id",
}


def medal_sources(medals, group, rows):
    """
    Each row's sources: those cited by the results of the medals it counts, read in one
    query over the medals (`Medal`, already filtered as the table was) of the rows shown.
    """
    by_subject = {row.subject.pk: [] for row in rows}
    if not by_subject:
        return by_subject
    cited = (
        medals.filter(**{f"{group}__in": list(by_subject)}, result__sources__isnull=False)
        .values_list(
            group,
            "result__sources__slug",
            "result__sources__title",
            "result__sources__publisher",
            "result__sources__url",
        )
        .distinct()
        .order_by(group, "result__sources__title", "result__sources__slug")
    )
    for subject, slug, title, publisher, url in cited:
        by_subject[subject].append(Source(slug=slug, title=title, publisher=publisher, url=url))
    return by_subject


def medal_file(request, download, kind, table, medals, *, title, name, filters=None, limit=None):
    """
    A medal table (`standings.medals.MedalTable`) of `kind` ("nations", "athletes",
    "championships"), counted from `medals` (a QuerySet of `Medal`). Given a `limit`, the
    table was counted to a row beyond it: the file holds `limit` rows and says whether the
    table went on (`truncated`), as a list's file does.
    """
    rows, extra = table.rows, {}
    if limit is not None:
        rows, extra = rows[:limit], {"limit": limit, "truncated": len(rows) > limit}
    sources = medal_sources(medals, MEDAL_GROUPS[kind], rows)
    for row in rows:
        row.sources = sources[row.subject.pk]
    return respond(
        request,
        download,
        MEDAL_COLUMNS[kind],
        rows,
        name=name,
        title=title,
        filters=filters,
        **extra,
    )


# An athlete's profile ---------------------------------------------------------------------

ATHLETE_RESULT_COLUMNS = [
    Column("discipline", lambda row: row[0].name),
    Column("discipline_code", lambda row: row[0].code),
    Column("discipline_venue", lambda row: row[0].venue),
    *result_columns(
        "date",
        "year",
        "competition",
        "competition_slug",
        "city",
        "venue_nation",
        "round",
        "place",
        "status",
        "mark",
        "flags",
        "records",
        "wind",
        "speed_kmh",
        of=lambda row: row[1].result,
    ),
    Column("age", lambda row: row[1].age),
    *result_columns(
        "note", "nation", "video_url", "event_url", "sources", of=lambda row: row[1].result
    ),
]


PERSONAL_BEST_COLUMNS = [
    Column("venue", lambda row: row[0]),
    Column("discipline", lambda row: row[1].discipline.name),
    Column("discipline_code", lambda row: row[1].discipline.code),
    *result_columns("mark", "flags", "records", of=lambda row: row[1].result),
    Column("speed_kmh", lambda row: row[1].speed_kmh),
    *result_columns(
        "year",
        "city",
        "venue_nation",
        "competition",
        "competition_slug",
        "place",
        "date",
        "event_url",
        of=lambda row: row[1].result,
    ),
    *result_columns(
        "mark",
        "flags",
        "records",
        "year",
        "event_url",
        of=lambda row: row[1].apart,
        prefix="apart_",
    ),
    Column("sources", lambda row: cited_by([row[1].result, row[1].apart])),
]


def athlete_file(request, download, athlete, profile):
    """One table of an athlete's profile (`standings.athlete.AthleteProfile`)."""
    filters = {"order": profile.order, "include": list(profile.include)}
    prefetch_sources(profile.results)
    if download.table == "medals":
        return _athlete_medals_file(request, download, athlete, profile)
    if download.table == "bests":
        rows = [(venue, best) for venue, bests in profile.personal_bests.items() for best in bests]
        columns, anchor = PERSONAL_BEST_COLUMNS, "personal-bests"
        title = _("%(athlete)s: personal bests") % {"athlete": athlete.name}
    else:
        rows = [
            (discipline, row)
            for discipline, discipline_rows in profile.results_by_discipline
            for row in discipline_rows
        ]
        columns, anchor = ATHLETE_RESULT_COLUMNS, "results"
        title = _("%(athlete)s: results") % {"athlete": athlete.name}
    return respond(
        request,
        download,
        columns,
        rows,
        name=f"{athlete.slug}-{download.table}",
        title=title,
        filters=filters,
        anchor=anchor,
    )


def _athlete_medals_file(request, download, athlete, profile):
    """The athlete's medals per championship, each row citing its medals' sources."""
    medals = {}
    for result in profile.results:
        if result.is_medal:
            medals.setdefault(result.event.competition.championship_id, []).append(result)
    for row in profile.medals.rows:
        row.sources = cited_by(medals.get(row.subject.pk, []))
    return respond(
        request,
        download,
        MEDAL_COLUMNS["championships"],
        profile.medals.rows,
        name=f"{athlete.slug}-medals",
        title=_("%(athlete)s: medals by championship") % {"athlete": athlete.name},
        anchor="medals",
    )
