"""
Every table a reader sees downloads as CSV and JSON from the links beside it: the file holds
the rows the page shows under the same filters (every page of a list, not one), each row
citing its sources, with the data's licence, at a fixed number of queries; a cached file
keeps its headers, and junk input is never a 500.
"""

import csv
import datetime
import gc
import io
import json
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext

from athletes.models import Country
from results import downloads
from results.models import Championship, Discipline, Result

from .factories import (
    AthleteFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
    SourceFactory,
)
from .helpers import count_queries, grow_archive, page_html, page_text

pytestmark = pytest.mark.django_db

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
PEREZ_SOURCE = "Jefferson Pérez: race results & historic"
EVENT = "/competitions/world-championships-2007/20KW/m/final/"
PROFILE = "/athletes/jefferson-perez/"
FORMATS = {"text/csv": "csv", "application/json": "json"}


# A page as a reader sees it: its tables and the download links beside them -------------------


class Cell:
    def __init__(self):
        self.parts = []
        self.links = []

    @property
    def text(self):
        return " ".join("".join(self.parts).split())


class Table:
    def __init__(self, section):
        self.section = section
        self.caption_parts = []
        self.parts = {"thead": [], "tbody": [], "tfoot": []}

    @property
    def caption(self):
        return " ".join("".join(self.caption_parts).split())

    @property
    def rows(self):
        """The body's rows, each a list of cells (a footer's total is not a row)."""
        return self.parts["tbody"]

    @property
    def texts(self):
        return [[cell.text for cell in row] for row in self.rows]


class PageReader(HTMLParser):
    """Each table of a page, and each paragraph of download links, with its section's id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self.downloads = []
        self.sections = []
        self.table = self.part = self.cell = self.links = None
        self.in_caption = False

    @property
    def section(self):
        return self.sections[-1] if self.sections else ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
        elif tag == "table":
            self.table = Table(self.section)
            self.tables.append(self.table)
            self.part = "tbody"
        elif tag == "caption":
            self.in_caption = True
        elif self.table and tag in self.table.parts:
            self.part = tag
        elif self.table and tag == "tr":
            self.table.parts[self.part].append([])
        elif self.table and tag in ("td", "th"):
            self.cell = Cell()
            self.table.parts[self.part][-1].append(self.cell)
        elif self.cell and tag == "a":
            self.cell.links.append(attrs["href"])
        elif tag == "p" and "downloads" in attrs.get("class", "").split():
            self.links = {"section": self.section}
            self.downloads.append(self.links)
        elif self.links is not None and tag == "a":
            self.links[FORMATS[attrs["type"]]] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "section":
            self.sections.pop()
        elif tag == "table":
            self.table = self.cell = None
        elif tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th"):
            self.cell = None
        elif tag == "p":
            self.links = None

    def handle_data(self, data):
        if self.in_caption:
            self.table.caption_parts.append(data)
        elif self.cell:
            self.cell.parts.append(data)


def read_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html")
    page = PageReader()
    page.feed(response.content.decode())
    page.url = url
    return page


def captioned(page, caption):
    return next(table for table in page.tables if table.caption == caption)


def tables_in(page, section):
    return [table for table in page.tables if table.section == section]


# The files, read from the page's own links -------------------------------------------------


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response["Link"] == f'<{LICENSE_URL}>; rel="license"'
    text = response.content.decode("utf-8")
    assert not text.startswith("#")  # the header row first: no comment line
    return list(csv.DictReader(io.StringIO(text)))


def json_payload(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == f'<{LICENSE_URL}>; rel="license"'
    payload = json.loads(response.content)
    assert payload["license"] == {"name": "CC BY 4.0", "url": LICENSE_URL}
    for row in payload["rows"]:
        assert list(row) == payload["columns"]
    return payload


def as_csv_text(value):
    """A JSON value as the CSV writes it, to compare the two files cell by cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(as_csv_text(item) for item in value)
    if isinstance(value, dict):  # a source
        return f"{value['title']} <{value['url']}>" if value["url"] else value["title"]
    return str(value)


def link_target(page, href):
    """A link of the page as the browser follows it: a bare query string keeps the path."""
    return urlsplit(page.url).path + href if href.startswith("?") else href


def files(client, page, index=0):
    """
    The CSV's rows and the JSON payload of the page's `index`th download links, followed as
    a reader would; the two files hold the same rows, cell for cell.
    """
    links = page.downloads[index]
    rows = csv_rows(client.get(link_target(page, links["csv"])))
    payload = json_payload(client.get(link_target(page, links["json"])))
    assert [{key: as_csv_text(value) for key, value in row.items()} for row in payload["rows"]] == (
        rows
    )
    return rows, payload


def listed(value):
    return value.split("; ") if value else []


def mark_text(row, prefix="", tied=False):
    """What the `mark` tag prints for a file's row: the mark, its flags, "=", its records."""
    text = row[prefix + "mark"] + "".join(listed(row[prefix + "flags"]))
    if tied:
        text += " ="
    return text + "".join(f" {tag}" for tag in listed(row[prefix + "records"]))


def place_text(row):
    return row["place"] or (row["status"] if row["status"] != "OK" else "")


def cites(row, title):
    return any(source.split(" <")[0] == title for source in listed(row["sources"]))


# An event's results ---------------------------------------------------------------------


def event_cells(row, wind=False):
    cells = [place_text(row), row["athlete"], row["nation"]]
    cells.append(mark_text(row, tied=row["tied"] == "true"))
    if wind:
        cells.append(row["wind"])
    return [*cells, row["speed_kmh"], row["note"]]


def test_an_events_files_hold_the_rows_of_its_page(client, perez):
    page = read_page(client, EVENT)
    rows, payload = files(client, page)
    table = captioned(page, "Full results")
    assert [event_cells(row) for row in rows] == table.texts
    assert [urlsplit(row["athlete_url"]).path for row in rows] == [
        row[1].links[0] for row in table.rows
    ]
    assert [row["tied"] for row in rows[:3]] == ["false", "true", "true"]  # 1 h 22' 40" twice
    assert all(cites(row, PEREZ_SOURCE) for row in rows)
    assert payload["title"] == "IAAF World Championships Osaka 2007: Men's 20 km race walk"
    assert payload["source_url"] == f"http://testserver{EVENT}"
    assert payload["filters"] == {}
    assert payload["rows"][0]["place"] == 1 and payload["rows"][0]["tied"] is False


@pytest.fixture
def sprint(reference_data):
    """A 100 m final at altitude: records, a wind-aided tie, no wind reading, a hand time, DNF."""
    competition = CompetitionFactory(
        championship=Championship.objects.get(slug="olympic-games"), year=1968, altitude_m=2240
    )
    event = EventFactory(competition=competition, discipline=Discipline.objects.get(code="100"))
    sheet = SourceFactory(title="Official result sheet", url="https://example.org/sheet.pdf")
    rows = [
        {"place": 1, "mark": 9_580, "wind": Decimal("0.9"), "records": "WR OR"},
        {"place": 2, "mark": 9_690, "wind": Decimal("2.1")},
        {"place": 3, "mark": 9_690, "wind": Decimal("2.1"), "note": "photo finish"},
        {"place": 4, "mark": 9_990, "wind": None},
        {"place": 5, "mark": 10_400, "wind": Decimal("-0.3"), "hand_timed": True},
        {"place": None, "mark": None, "wind": None, "status": Result.Status.DID_NOT_FINISH},
    ]
    for fields in rows:
        ResultFactory(event=event, **fields).sources.add(sheet)
    return event


def test_a_sprints_files_carry_its_winds_flags_tie_and_records(client, sprint):
    page = read_page(client, sprint.get_absolute_url())
    rows, payload = files(client, page)
    assert [event_cells(row, wind=True) for row in rows] == captioned(page, "Full results").texts
    first, second, _third, fourth, fifth, last = rows
    assert (first["mark"], first["records"], first["flags"]) == ("9.58", "WR; OR", "A")
    assert (second["flags"], second["wind"], second["tied"]) == ("w; A", "+2.1", "true")
    assert (fourth["flags"], fourth["wind"]) == ("nwi; A", "n/m")
    assert (fifth["mark"], fifth["flags"], fifth["wind"]) == ("10.4", "h; A", "-0.3")
    assert (last["status"], last["place"], last["mark"]) == ("DNF", "", "")
    assert {row["sources"] for row in rows} == {
        "Official result sheet <https://example.org/sheet.pdf>"
    }
    assert payload["rows"][0]["sources"] == [
        {
            "slug": payload["rows"][0]["sources"][0]["slug"],
            "title": "Official result sheet",
            "publisher": "",
            "url": "https://example.org/sheet.pdf",
        }
    ]
    assert payload["rows"][0]["flags"] == ["A"] and payload["rows"][0]["records"] == ["WR", "OR"]


def test_a_result_without_a_mark_has_no_flags_on_the_page_or_in_its_files(client, sprint):
    # The DNF of a race at altitude: "A" (like "i" indoors) flags a mark, and it has none.
    page = read_page(client, sprint.get_absolute_url())
    rows, payload = files(client, page)
    place, _athlete, _nation, mark, *_rest = captioned(page, "Full results").texts[-1]
    assert (place, mark) == ("DNF", "")
    assert (rows[-1]["status"], rows[-1]["flags"]) == ("DNF", "")
    assert payload["rows"][-1]["flags"] == []


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(client, perez):
    final = Result.objects.filter(athlete=perez).first().event
    ResultFactory(
        event=final,
        athlete=AthleteFactory(
            given_name='=HYPERLINK("http://evil.example","x")', family_name="+1"
        ),
        place=None,
        mark=None,
        status="DNF",
    )

    rows = list(
        csv.DictReader(
            io.StringIO(client.get(final.get_absolute_url(), {"format": "csv"}).content.decode())
        )
    )

    names = {row["athlete"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","x") +1' in names
    # Numbers keep their sign: a wind, a gap.
    assert not any(name.startswith(("=", "+", "@")) for name in names)


# All-time and season lists --------------------------------------------------------------


def list_cells(row, wind=False):
    cells = [row["rank"], mark_text(row)]
    if wind:
        cells.append(row["wind"])
    return [*cells, row["athlete"], row["nation"], row["place"], row["competition"], row["year"]]


def the_list(page):
    """The list itself, not the marks kept apart nor the progression below it."""
    return page.tables[0]


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {"sex": "M", "list": "performers"}),
        ("?list=performances", {"sex": "M", "list": "performances"}),
        (
            "?list=performances&country=ECU&year_from=1996&year_to=2004",
            {
                "sex": "M",
                "list": "performances",
                "country": "ECU",
                "year_from": 1996,
                "year_to": 2004,
            },
        ),
        ("?year_from=2000&page=1", {"sex": "M", "list": "performers", "year_from": 2000}),
    ],
)
def test_a_lists_files_hold_the_rows_of_its_page_under_the_same_filters(
    client, perez, query, filters
):
    page = read_page(client, f"/disciplines/20KW/{query}")
    rows, payload = files(client, page)
    assert rows
    assert [list_cells(row) for row in rows] == the_list(page).texts
    assert all(cites(row, PEREZ_SOURCE) for row in rows)
    if "year_to" in filters:
        assert {row["nation"] for row in rows} == {"ECU"}
        assert all(1996 <= int(row["year"]) <= 2004 for row in rows)
    assert payload["filters"] == filters
    assert payload["source_url"] == "http://testserver/disciplines/20KW/" + query.replace(
        "&page=1", ""
    )
    assert payload["limit"] == 10_000 and payload["truncated"] is False


def grow_cited_archive(perez):
    """The archive grown tenfold from 1950, every new result citing a result sheet."""
    sheet = SourceFactory(title="Olympic result sheets")
    grow_archive(perez, competitions=24, first_year=1950, cited=sheet)


def test_a_lists_file_holds_every_page_of_the_list(client, perez):
    grow_cited_archive(perez)
    url = "/disciplines/20KW/?list=performances&year_from=1950"
    page = read_page(client, f"{url}&page=3")
    assert "page" not in parse_qs(urlsplit(page.downloads[0]["csv"]).query)
    rows, _payload = files(client, page)
    pages = -(-len(rows) // 100)
    assert pages > 5
    shown = []
    for number in range(1, pages + 1):
        shown += the_list(read_page(client, f"{url}&page={number}")).texts
    assert [list_cells(row) for row in rows] == shown
    assert all(cites(row, PEREZ_SOURCE) or cites(row, "Olympic result sheets") for row in rows)


def test_a_lists_file_stops_at_its_bound_and_says_so(client, perez, monkeypatch):
    monkeypatch.setattr("results.views.LIST_DOWNLOAD_LENGTH", 5)
    page = read_page(client, "/disciplines/20KW/?list=performances")
    rows, payload = files(client, page)
    assert [list_cells(row) for row in rows] == the_list(page).texts[:5]
    assert payload["limit"] == 5 and payload["truncated"] is True


def test_a_sprint_lists_files_count_the_marks_the_reader_includes(client, sprint):
    page = read_page(client, "/disciplines/100/?list=performances&include=wind")
    rows, payload = files(client, page)
    assert [list_cells(row, wind=True) for row in rows] == the_list(page).texts
    # Counting wind counts the wind-aided and the unmeasured; the hand time stays apart.
    assert [row["mark"] for row in rows] == ["9.58", "9.69", "9.69", "9.99"]
    assert payload["filters"] == {"sex": "M", "list": "performances", "include": ["wind"]}
    page = read_page(client, "/disciplines/100/?list=performances")
    legal, _payload = files(client, page)
    assert [list_cells(row, wind=True) for row in legal] == the_list(page).texts
    assert [row["mark"] for row in legal] == ["9.58"]


# Medal tables ---------------------------------------------------------------------------


def medal_cells(row, rank=True):
    if "athlete" in row:
        subject = f"{row['athlete']} {row['nation']}"
    else:
        subject = row.get("championship") or row["nation"]
    return [*([row["rank"]] if rank else []), subject, *(row[m] for m in MEDAL_COUNTS)]


MEDAL_COUNTS = ("gold", "silver", "bronze", "total")


def assert_medal_files_match(client, page, index, table, name, rank=True):
    rows, payload = files(client, page, index)
    assert parse_qs(urlsplit(page.downloads[index]["csv"]).query).get("table", [name]) == [name]
    assert rows
    assert [medal_cells(row, rank) for row in rows] == table.texts
    assert [urlsplit(row["url"]).path for row in rows] == [
        row[int(rank)].links[0] for row in table.rows
    ]
    assert all(cites(row, PEREZ_SOURCE) for row in rows)
    return rows, payload


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        (
            "?championship=olympic-games&sex=M&year_from=1990",
            {"championship": "olympic-games", "sex": "M", "year_from": 1990},
        ),
    ],
)
def test_the_medal_tables_files_hold_the_rows_of_the_page(client, perez, query, filters):
    page = read_page(client, f"/medals/{query}")
    for index, (name, caption) in enumerate(
        [("nations", "Medals by nation"), ("athletes", "Medals by athlete")]
    ):
        _rows, payload = assert_medal_files_match(
            client, page, index, captioned(page, caption), name
        )
        assert payload["filters"] == filters


def test_a_championships_and_an_editions_medal_tables_download(client, perez):
    page = read_page(client, "/championships/world-championships/")
    assert_medal_files_match(client, page, 0, captioned(page, "By nation"), "nations")
    assert_medal_files_match(client, page, 1, captioned(page, "By athlete"), "athletes")
    page = read_page(client, "/competitions/olympic-games-1996/")
    table = captioned(page, "Medals by nation at this edition")
    rows, _payload = assert_medal_files_match(client, page, 0, table, "nations")
    assert [row["nation_code"] for row in rows] == ["ECU", "RUS", "MEX"]  # the total is no row


def test_a_nations_medal_tables_download(client, perez):
    page = read_page(client, "/countries/ECU/")
    table = captioned(page, "Medals won for Ecuador, by championship")
    assert_medal_files_match(client, page, 0, table, "championships", rank=False)
    assert_medal_files_match(client, page, 1, captioned(page, "Medallists"), "athletes")


# An athlete's profile -------------------------------------------------------------------


def athlete_result_cells(row, wind=False):
    if row["date"]:
        when = date_filter(datetime.date.fromisoformat(row["date"]), "j M Y")
    else:
        when = row["year"]
    venue = f"{row['city']} {row['venue_nation']}"
    cells = [when, row["competition"], venue, place_text(row), mark_text(row)]
    if wind:
        cells.append(row["wind"])
    note = " ".join(filter(None, [row["note"], "video" if row["video_url"] else ""]))
    return [*cells, row["speed_kmh"], row["age"], note]


@pytest.mark.parametrize("query", ["", "?order=mark"])
def test_an_athletes_results_file_holds_the_rows_of_the_profile(client, perez, query):
    page = read_page(client, PROFILE + query)
    links = [links for links in page.downloads if links["section"] == "results"]
    rows, payload = files(client, page, page.downloads.index(links[0]))
    shown = [
        (table.caption, cells) for table in tables_in(page, "results") for cells in table.texts
    ]
    assert len(shown) == len(rows) > 20
    venues = {"road": "Road", "track": "Track and field"}
    assert [
        (f"{row['discipline']} ({venues[row['discipline_venue']]})", athlete_result_cells(row))
        for row in rows
    ] == shown
    assert all(cites(row, PEREZ_SOURCE) for row in rows)
    assert payload["filters"] == {"order": "mark" if query else "date", "include": []}
    assert payload["source_url"] == f"http://testserver{PROFILE}{query}#results"


def test_a_sprinters_results_file_carries_the_wind_the_profile_shows(client, sprint):
    athlete = sprint.results.get(place=4).athlete
    page = read_page(client, athlete.get_absolute_url())
    index = next(i for i, links in enumerate(page.downloads) if links["section"] == "results")
    rows, _payload = files(client, page, index)
    assert [athlete_result_cells(row, wind=True) for row in rows] == (
        tables_in(page, "results")[0].texts
    )
    assert [(row["mark"], row["flags"], row["wind"]) for row in rows] == [("9.99", "nwi; A", "n/m")]


def best_cells(row, apart_column):
    if row["mark"]:
        speed = f"{row['speed_kmh']} km/h" if row["speed_kmh"] else ""
        place = f" · place {row['place']}" if row["place"] else ""
        cells = [
            row["discipline"],
            mark_text(row),
            speed,
            row["year"],
            f"{row['city']} {row['venue_nation']}",
            row["competition"] + place,
        ]
    else:
        cells = [row["discipline"], "no legal mark", "", "", "", ""]
    if apart_column:
        apart = f"{mark_text(row, 'apart_')} ({row['apart_year']})" if row["apart_mark"] else ""
        cells.append(apart)
    return cells


def bests_shown(page):
    return [
        (table.caption, cells)
        for table in tables_in(page, "personal-bests")
        for cells in table.texts
    ]


def assert_bests_match(client, page):
    links = next(links for links in page.downloads if links["section"] == "personal-bests")
    rows, payload = files(client, page, page.downloads.index(links))
    tables = tables_in(page, "personal-bests")
    # The column of better marks kept apart shows only in a table where one has one.
    apart = {
        table.caption: "Better, kept apart" in [cell.text for cell in table.parts["thead"][0]]
        for table in tables
    }
    assert [
        (row["venue"].title(), best_cells(row, apart[row["venue"].title()])) for row in rows
    ] == bests_shown(page)
    return rows, payload


def test_an_athletes_personal_bests_file_holds_the_rows_of_the_profile(client, perez):
    rows, payload = assert_bests_match(client, read_page(client, PROFILE))
    assert {row["discipline_code"] for row in rows} >= {"20KW", "10000W"}
    assert all(cites(row, PEREZ_SOURCE) for row in rows)
    assert payload["source_url"] == f"http://testserver{PROFILE}#personal-bests"


def test_a_personal_best_kept_apart_downloads_as_the_profile_shows_it(client, sprint):
    """The 9.69w of the second placed: no legal mark, unless the reader counts wind too."""
    athlete = sprint.results.get(place=2).athlete
    url = athlete.get_absolute_url()
    rows, _payload = assert_bests_match(client, read_page(client, url))
    assert [(row["mark"], row["apart_mark"], row["apart_flags"]) for row in rows] == [
        ("", "9.69", "w; A")
    ]
    rows, payload = assert_bests_match(client, read_page(client, f"{url}?include=wind"))
    assert [(row["mark"], row["flags"], row["apart_mark"]) for row in rows] == [
        ("9.69", "w; A", "")
    ]
    assert payload["filters"] == {"order": "date", "include": ["wind"]}
    assert rows[0]["sources"] == "Official result sheet <https://example.org/sheet.pdf>"


def test_an_athletes_medals_file_holds_the_rows_of_the_profile(client, perez):
    page = read_page(client, PROFILE)
    links = next(links for links in page.downloads if links["section"] == "medals")
    index = page.downloads.index(links)
    table = tables_in(page, "medals")[0]
    rows, payload = assert_medal_files_match(client, page, index, table, "medals", rank=False)
    assert rows[0]["championship_slug"] == "olympic-games"
    assert "Total" not in [row["championship"] for row in rows]
    assert payload["source_url"] == f"http://testserver{PROFILE}#medals"


# What every download costs, keeps and refuses --------------------------------------------

DOWNLOADS = [
    f"{EVENT}?format=csv",
    "/disciplines/20KW/?format=csv",
    "/disciplines/20KW/?format=json&list=performances&country=ECU&year_from=1990",
    "/medals/?format=csv&table=nations",
    "/medals/?format=json&table=athletes&championship=olympic-games&sex=M",
    "/championships/olympic-games/?format=csv&table=athletes",
    "/competitions/olympic-games-1996/?format=json",
    f"{PROFILE}?format=csv&table=results",
    f"{PROFILE}?format=json&table=bests&include=wind",
    f"{PROFILE}?format=csv&table=medals",
    "/countries/ECU/?format=csv&table=athletes",
]


def test_a_download_runs_a_fixed_number_of_queries_whatever_the_archive_holds(client, perez):
    def fetch(url):
        assert client.get(url).status_code == 200

    shipped = {url: count_queries(fetch, url) for url in DOWNLOADS}
    grow_cited_archive(perez)
    assert {url: count_queries(fetch, url) for url in DOWNLOADS} == shipped


def test_every_file_is_built_with_the_collector_paused_and_leaves_it_on(client, perez, monkeypatch):
    # A file of 10,000 rows took twice as long with Python's collector walking its rows.
    collecting = []
    respond = downloads.respond

    def spy(*args, **kwargs):
        collecting.append(gc.isenabled())
        return respond(*args, **kwargs)

    monkeypatch.setattr(downloads, "respond", spy)
    for url in DOWNLOADS:
        assert client.get(url).status_code == 200, url
        assert gc.isenabled(), url
    assert collecting == [False] * len(DOWNLOADS)
    # A refused file, and a page, leave it on too; a page is built with it on.
    assert client.get("/medals/?format=json&sex=X").status_code == 400 and gc.isenabled()
    assert client.get(EVENT).status_code == 200 and collecting == [False] * len(DOWNLOADS)


def test_the_collector_is_on_again_once_the_block_that_paused_it_ends():
    with downloads.collector_paused():
        with downloads.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.parametrize("url", [DOWNLOADS[0], DOWNLOADS[4], DOWNLOADS[8]])
def test_a_cached_download_comes_back_intact(client, perez, settings, url):
    settings.PAGE_CACHE = True
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert [q["sql"] for q in queries if "results_archiveversion" not in q["sql"]] == []
    assert second.status_code == 200 and second.content == first.content
    for header in ("Content-Type", "Content-Disposition", "Link"):
        assert second[header] == first[header]
    assert "public" in second["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        f"{EVENT}?format=xml",
        f"{EVENT}?format=",
        f"{PROFILE}?format=pdf&table=results",
        "/competitions/olympic-games-1996/?format=yaml",
    ],
)
def test_an_unknown_format_shows_the_page(client, perez, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not response.has_header("Content-Disposition")


def test_a_page_without_a_medal_table_shows_itself_for_a_download(client, reference_data):
    meeting = CompetitionFactory(championship=None)
    response = client.get(f"{meeting.get_absolute_url()}?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_a_page_of_one_table_ignores_a_table_name(client, perez):
    response = client.get(f"{EVENT}?format=json&table=bests")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url",
    [
        f"{PROFILE}?format=csv&table=podiums",
        "/medals/?format=csv&table=disciplines",
        "/championships/olympic-games/?format=json&table=%00",
        "/disciplines/20KW/?format=csv&year_from=abc",
        "/disciplines/20KW/?format=json&country=XXX",
        "/medals/?format=json&sex=X",
    ],
)
def test_an_unknown_table_or_a_wrong_filter_is_a_bad_request(client, perez, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url, reason",
    [
        (
            f"{PROFILE}?format=csv&table=podiums",
            "Unknown table “podiums”: choose one of results, bests, medals.",
        ),
        ("/disciplines/20KW/?format=csv&year_from=abc", "year_from"),
        ("/medals/?format=json&sex=X", "X is not one of the available choices"),
        (f"{PROFILE}?format=csv&table=bests&include=foo", "foo is not one of the available"),
    ],
)
def test_a_refused_file_says_which_parameter_is_wrong(client, perez, url, reason):
    response = client.get(url)
    assert response.status_code == 400
    assert "could not read this request" in page_html(response)
    assert reason in page_html(response)


def test_a_profile_asked_to_count_an_unknown_kind_of_mark_says_so(client, perez):
    text = page_text(client.get(f"{PROFILE}?include=foo"))
    assert "Select a valid choice. foo is not one of the available choices." in text


def test_the_links_beside_a_table_keep_the_pages_filters(client, perez):
    page = read_page(client, "/disciplines/20KW/?list=performances&country=ECU&page=1")
    assert page.downloads == [
        {
            "section": "",
            "csv": "?list=performances&country=ECU&format=csv",
            "json": "?list=performances&country=ECU&format=json",
        }
    ]
    page = read_page(client, f"{PROFILE}?order=mark&include=wind")
    assert [links["csv"] for links in page.downloads] == [
        f"?order=mark&include=wind&format=csv&table={table}"
        for table in ("medals", "bests", "results")
    ]


def test_a_medal_tables_file_holds_the_whole_table_and_says_where_it_stops(
    client, reference_data, monkeypatch
):
    games = Championship.objects.create(slug="many-games", name="Many Games", awards_medals=True)
    for n in range(60):
        competition = CompetitionFactory(championship=games, year=1950 + n)
        ResultFactory(event=EventFactory(competition=competition), place=1)
    whole = csv_rows(client.get("/championships/many-games/?format=csv&table=athletes"))
    assert len(whole) == 60
    payload = json_payload(client.get("/championships/many-games/?format=json&table=athletes"))
    assert (len(payload["rows"]), payload["truncated"]) == (60, False)

    monkeypatch.setattr("results.views.MEDAL_DOWNLOAD_LENGTH", 55)
    payload = json_payload(client.get("/championships/many-games/?format=json&table=athletes"))
    assert (len(payload["rows"]), payload["limit"], payload["truncated"]) == (55, 55, True)


def test_a_nations_medallists_are_shown_for_the_nation_they_won_for(client, reference_data):
    soviet, russia = Country.objects.get(code="URS"), Country.objects.get(code="RUS")
    athlete = AthleteFactory(country=russia)
    ResultFactory(event=EventFactory(), athlete=athlete, country=soviet, place=1)

    rows = csv_rows(client.get("/countries/URS/?format=csv&table=athletes"))

    assert [(row["athlete"], row["nation"]) for row in rows] == [(athlete.name, "URS")]
    page = client.get("/countries/URS/").content.decode()
    medallists = page.split("Medallists", 1)[1].split("</table>", 1)[0]
    assert ">URS<" in medallists and ">RUS<" not in medallists
    assert "the medallists above won for it and have another nation now" in page
