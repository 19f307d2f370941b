"""
Part 1: hostile requests against the public site and the admin, anonymous and as an editor.

Every request is checked the same way: no 5xx, no traceback, no secret, no file of the
system, no hostile markup sent back raw; and, for every request that should change nothing,
the checksum of the archive's tables (database.checksum) the same after it as before.
Stored markup goes in through every text field an editor has on an athlete, a highlight, an
alias, a competition, an event, a result and a source, and is read back on every kind of
public page and on the admin's own pages.
"""

import contextlib
import re
import socket
import struct
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from . import database
from .client import Client, multipart
from .server import HOST, SECRET_KEY

# Values for every query-string parameter and path segment: str, or bytes sent as they are
# (percent-encoded) to try the decoding.
PAYLOADS = {
    "sql quote": "' OR '1'='1",
    "sql union": "1 UNION SELECT username, password FROM auth_user--",
    "sql stacked": "1; DROP TABLE athletes_athlete;--",
    "template": "{{ settings.SECRET_KEY }}{% debug %}",
    "traversal": "../../../../etc/passwd",
    "markup": '"><script>alert(1)</script>',
    "huge number": "99999999999999999999999999",
    "negative number": "-99999999999999999999",
    "float overflow": "1e308",
    "nul byte": "\x00",
    "nul inside": "20KW\x00x",
    "invalid utf-8": b"\xff\xfe",
    "overlong utf-8": b"\xc0\xaf",
    "lone surrogate": b"\xed\xa0\x80",
    "long": "A" * 3000,
}

# Markup that must never come back as it was sent.
RAW_MARKERS = ("<script>alert(", "<img src=x onerror=", "<svg onload=", 'href="javascript:')
# What would show that a request reached further than it may.
LEAKS = ("root:x:0:0", "Traceback (most recent call last)", SECRET_KEY, "DJANGO_SECRET_KEY")

# Stored through the admin: one payload per field, numbered so the page it shows on says
# which field it came from. Short enough for the shortest field (100 characters).
STORED = "{n}\"'><script>alert({n})</script><img src=x onerror=alert({n})>{{{{7*7}}}}"
STORED_URL = 'https://example.com/{n}?"><script>alert({n})</script>'
ESCAPED_MARKER = "&lt;script&gt;alert({n})"


def encoded(value):
    return quote(value, safe="")


@dataclass
class HostileReport:
    requests: int = 0
    kinds: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)
    checksum_checks: int = 0
    stored_fields: dict = field(default_factory=dict)
    pages_read_back: int = 0
    page_types: list = field(default_factory=list)

    def as_dict(self):
        return {
            "requests": self.requests,
            "kinds": dict(self.kinds),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "problems": self.problems,
            "checksum_checks": self.checksum_checks,
            "stored_fields": self.stored_fields,
            "pages_read_back": self.pages_read_back,
            "page_types": self.page_types,
        }


class Prober:
    """Sends one hostile request at a time and checks what it did."""

    def __init__(self, server):
        self.server = server
        self.database = server.archive.database
        self.media = server.archive.directory / "media"
        self.report = HostileReport()
        self.baseline = database.checksum(self.database)

    def check(self, kind, label, response, changes=False, expect=None):
        report = self.report
        report.requests += 1
        report.kinds[kind] += 1
        report.statuses[response.status] += 1
        problems = []
        if response.status >= 500:
            problems.append(("5xx", f"answered {response.status}"))
        elif expect is not None and response.status not in expect:
            problems.append(("status", f"answered {response.status}, not {sorted(expect)}"))
        text = response.text
        problems.extend(("unescaped", f"sent back {m!r} raw") for m in RAW_MARKERS if m in text)
        problems.extend(("leak", f"leaked {leak[:20]!r}") for leak in LEAKS if leak in text)
        if not changes:
            report.checksum_checks += 1
            now = database.checksum(self.database)
            if now != self.baseline:
                problems.append(("changed", "changed the archive's tables"))
                self.baseline = now
        for category, problem in problems:
            report.problems.append(f"{category}: {label}: {problem}")
        return response

    def rebase(self):
        """After a request that was meant to change the archive."""
        self.baseline = database.checksum(self.database)

    def get(self, client, kind, path, **options):
        return self.check(kind, f"GET {path[:160]}", client.get(path), **options)

    def post(self, client, kind, path, fields, files=None, label=None, **options):
        response = client.post(path, fields, files=files)
        return self.check(kind, f"POST {path} ({label or 'form'})", response, **options)

    def raw(self, kind, label, payload):
        """Bytes sent as they are on a new connection: what gunicorn itself answers."""
        status = raw_request(self.server.port, payload)
        return self.check(kind, label, _RawResponse(status), expect=set(range(400, 500)))


@dataclass
class _RawResponse:
    status: int
    text: str = ""


def raw_request(port, payload, timeout=10):
    """Send `payload` on a new connection; the status of the answer (0 if none came)."""
    with socket.create_connection((HOST, port), timeout=timeout) as connection:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(payload)
        received = b""
        try:
            while b"\r\n" not in received:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                received += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    return int(match.group(1)) if match else 0


def archive_inventory(path):
    """Real slugs and codes to build the public URLs from."""
    rows = database.query(
        path,
        """
        SELECT c.slug, d.code, e.sex, e.round, a.slug, co.code, ch.slug
        FROM results_result r
        JOIN results_event e ON e.id = r.event_id
        JOIN results_competition c ON c.id = e.competition_id
        JOIN results_discipline d ON d.id = e.discipline_id
        JOIN athletes_athlete a ON a.id = r.athlete_id
        JOIN athletes_country co ON co.id = a.country_id
        JOIN results_championship ch ON ch.id = c.championship_id
        WHERE r.place = 1
        ORDER BY a.id
        LIMIT 1
        """,
    )
    competition, code, sex, round_, athlete, country, championship = rows[0]
    (athlete_id,) = database.query(
        path, "SELECT id FROM athletes_athlete WHERE slug = ?", (athlete,)
    )[0]
    (competition_id,) = database.query(
        path, "SELECT id FROM results_competition WHERE slug = ?", (competition,)
    )[0]
    (event_id,) = database.query(
        path,
        "SELECT e.id FROM results_event e JOIN results_discipline d ON d.id = e.discipline_id "
        "WHERE e.competition_id = ? AND d.code = ? AND e.sex = ? AND e.round = ?",
        (competition_id, code, sex, round_),
    )[0]
    (source_id,) = database.query(path, "SELECT MIN(id) FROM athletes_source")[0]
    return {
        "competition": competition,
        "competition_id": competition_id,
        "discipline": code,
        "sex": sex,
        "round": round_,
        "event_id": event_id,
        "athlete": athlete,
        "athlete_id": athlete_id,
        "country": country,
        "championship": championship,
        "source_id": source_id,
    }


def public_pages(inv):
    """Every kind of public page, by name."""
    event = f"/competitions/{inv['competition']}/{inv['discipline']}/{inv['sex']}/{inv['round']}/"
    return {
        "home": "/",
        "search": "/search/?q=alert",
        "athlete list": "/athletes/",
        "athlete": f"/athletes/{inv['athlete']}/",
        "nation list": "/countries/",
        "nation": f"/countries/{inv['country']}/",
        "competition list": "/competitions/",
        "competition": f"/competitions/{inv['competition']}/",
        "event": event,
        "championship list": "/championships/",
        "championship": f"/championships/{inv['championship']}/",
        "discipline list": "/disciplines/",
        "discipline": f"/disciplines/{inv['discipline']}/",
        "medal table": "/medals/",
        "sitemap": "/sitemap.xml",
        "athletes sitemap": "/sitemap-athletes.xml",
        "robots.txt": "/robots.txt",
    }


def parameter_targets(inv):
    """(path, parameter names) of every public page that reads its query string."""
    return [
        ("/search/", ["q"]),
        ("/athletes/", ["q", "country", "sex", "discipline", "medallists", "page"]),
        (f"/athletes/{inv['athlete']}/", ["order"]),
        (f"/countries/{inv['country']}/", ["page"]),
        ("/competitions/", ["q", "championship", "year_from", "year_to", "country", "page"]),
        (f"/championships/{inv['championship']}/", ["page"]),
        (
            f"/disciplines/{inv['discipline']}/",
            ["sex", "list", "year_from", "year_to", "country", "page"],
        ),
        ("/medals/", ["championship", "year_from", "year_to", "sex", "discipline"]),
        ("/sitemap-athletes.xml", ["p"]),
    ]


def path_targets(inv):
    """Public URLs with one segment replaced by `{}`."""
    c, d, s, r = inv["competition"], inv["discipline"], inv["sex"], inv["round"]
    return [
        "/athletes/{}/",
        "/countries/{}/",
        "/competitions/{}/",
        f"/competitions/{c}/{{}}/{s}/{r}/",
        f"/competitions/{c}/{d}/{{}}/{r}/",
        f"/competitions/{c}/{d}/{s}/{{}}/",
        "/championships/{}/",
        "/disciplines/{}/",
        "/sitemap-{}.xml",
    ]


def probe_public(prober, client, inv):
    for path, parameters in parameter_targets(inv):
        for name in parameters:
            for payload in PAYLOADS.values():
                prober.get(client, "public parameter", f"{path}?{name}={encoded(payload)}")
        # Every parameter at once, and one given twice.
        everything = "&".join(f"{n}={encoded(PAYLOADS['markup'])}" for n in parameters)
        prober.get(client, "public parameter", f"{path}?{everything}&{parameters[0]}=1")
    for template in path_targets(inv):
        for payload in PAYLOADS.values():
            if payload == "A" * 3000:
                continue  # a path segment that long is only a longer 404
            prober.get(client, "public path", template.format(encoded(payload)))
    for path in (
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2farchive%2fsettings.py",
        "/media/../archive/settings.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/athletes/../../etc/passwd",
    ):
        prober.get(client, "path traversal", path, expect={301, 302, 400, 404})
    # The host is checked before anything is read.
    response = client.request("GET", "/", headers={"Host": "evil.example"})
    prober.check("bad host", "GET / (Host: evil.example)", response, expect={400})


def probe_raw(prober):
    """Requests no HTTP library would send: gunicorn must refuse them with a 4xx."""
    host = b"Host: 127.0.0.1\r\n\r\n"
    requests = {
        "NUL byte in the request line": b"GET /search/?q=a\x00b HTTP/1.1\r\n" + host,
        "raw invalid UTF-8 in the path": b"GET /athletes/\xff\xfe/ HTTP/1.1\r\n" + host,
        "request line over 8190 bytes": b"GET /search/?q="
        + b"A" * 9000
        + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "NUL byte in a header": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: a\x00b\r\n\r\n",
        "negative Content-Length": b"POST /search/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Length: -5\r\n\r\n",
        "huge Content-Length": b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Length: 99999999999999999999999\r\n\r\n",
        "unknown method": b"FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "101 headers": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-%d: 1\r\n" % n for n in range(101))
        + b"\r\n",
    }
    for label, payload in requests.items():
        prober.raw("malformed request", label, payload)


def admin_url(model, object_id=None, action="change"):
    base = f"/admin/{model}/"
    if object_id is None:
        return base
    return f"{base}{object_id}/{action}/"


TAMPERED_IDS = ["abc", "-1", "0", "99999999999999999999", "1.5", "%00", "1%27", "%ff"]
CHANGELIST_QUERIES = [
    "q=" + encoded(PAYLOADS["sql quote"]),
    "q=" + encoded(PAYLOADS["markup"]),
    "q=%00",
    "o=abc",
    "o=-99",
    "p=-1",
    "p=99999999999999999999",
    "country__id__exact=abc",
    "country__id__exact=99999999999999999999",
    "sex__exact=%00",
    "_to_field=password&_popup=1",
    "start_date__year=99999999999999999999",
    "all=&e=1",
]
ADMIN_MODELS = [
    "athletes/athlete",
    "athletes/source",
    "athletes/country",
    "results/competition",
    "results/event",
    "results/result",
    "results/championship",
    "results/claim",
    "revisions/revision",
]


def probe_admin_anonymous(prober, client, inv):
    for model in ("athletes/athlete", "results/competition"):
        object_id = inv["athlete_id"] if model == "athletes/athlete" else inv["competition_id"]
        prober.get(client, "admin anonymous", admin_url(model), expect={302})
        prober.get(client, "admin anonymous", admin_url(model, object_id), expect={302})
        # No session and no CSRF token: refused before anything is read.
        prober.post(
            client,
            "admin anonymous",
            admin_url(model, object_id),
            {"given_name": PAYLOADS["markup"], "name": PAYLOADS["markup"]},
            expect={302, 403},
        )
    for object_id in TAMPERED_IDS[:4]:
        prober.get(client, "admin anonymous", admin_url("athletes/athlete", object_id))
    prober.get(client, "admin anonymous", "/admin/login/?next=" + encoded("//evil.example/"))
    prober.get(client, "admin anonymous", "/admin/login/?next=" + encoded(PAYLOADS["markup"]))


def probe_login(prober, client):
    """Injections in the login form: fewer than the lockout's limit, so nothing is locked."""
    for username in (PAYLOADS["sql quote"], "editor0'--", PAYLOADS["markup"], b"\xff\xfe"):
        _page, fields = client.form("/admin/login/")
        fields.update(username=username, password=PAYLOADS["sql quote"])
        prober.post(client, "login injection", "/admin/login/", fields, label=repr(username))
        if "sessionid" in client.cookies:
            prober.report.problems.append(f"login: {username!r} logged in")


def probe_admin_editor(prober, editor, inv):
    for model in ADMIN_MODELS:
        for query in CHANGELIST_QUERIES:
            prober.get(editor, "admin tampered query", f"{admin_url(model)}?{query}")
        for object_id in TAMPERED_IDS:
            for action in ("change", "history", "delete"):
                prober.get(editor, "admin tampered id", admin_url(model, object_id, action))
    athlete = admin_url("athletes/athlete", inv["athlete_id"])
    tampered_athlete = [
        {"country": "99999999999999999999"},
        {"country": "abc"},
        {"sources": ["abc"]},
        {"sources": ["99999999999999999999"]},
        {"read_version": "-1"},
        {"read_version": "99999999999999999999"},
        {"highlights-TOTAL_FORMS": "99999"},
        {"highlights-TOTAL_FORMS": "-1"},
        {
            "highlights-TOTAL_FORMS": "1",
            "highlights-INITIAL_FORMS": "1",
            "highlights-0-id": "abc",
            "highlights-0-kind": "story",
            "highlights-0-text": "x",
        },
        {
            "highlights-TOTAL_FORMS": "1",
            "highlights-INITIAL_FORMS": "1",
            "highlights-0-id": "99999999999999999999",
            "highlights-0-kind": "story",
            "highlights-0-text": "x",
        },
        {"date_of_birth": "99999-99-99"},
        {"date_of_birth": "-0001-01-01"},
        {"slug": "../../etc/passwd"},
        {"sex": "X"},
        {"given_name": "A" * 1000},
        {"given_name": "Jefferson\x00"},
        {"csrfmiddlewaretoken": "forged"},
    ]
    tampered(prober, editor, athlete, tampered_athlete, "athlete")
    event = admin_url("results/event", inv["event_id"])
    tampered_event = [
        {"results-0-athlete": "abc"},
        {"results-0-id": "99999999999999999999"},
        {"results-0-place": "-1"},
        {"results-0-place": "99999999999999999999"},
        {"results-0-mark": "99:99:99:99"},
        {"results-0-mark": "\x00"},
        {"results-0-status": "XX"},
        {"results-TOTAL_FORMS": "100000"},
        {"competition": "abc"},
        {"discipline": "99999999999999999999"},
    ]
    tampered(prober, editor, event, tampered_event, "event")
    competition = admin_url("results/competition", inv["competition_id"])
    tampered_competition = [
        {"year": "-1"},
        {"year": "99999999999999999999"},
        {"country": "abc"},
        {"start_date": "2000-02-30"},
        {"events-0-id": "abc"},
    ]
    tampered(prober, editor, competition, tampered_competition, "competition")
    source = admin_url("athletes/source", inv["source_id"])
    tampered_source = [{"url": "javascript:alert(1)"}, {"accessed_on": "99999999-01-01"}]
    tampered(prober, editor, source, tampered_source, "source")
    # Actions on selections no changelist offers.
    for selection in (["abc"], ["99999999999999999999"], ["-1"], ["\x00"]):
        _page, fields = editor.form(admin_url("athletes/athlete"), form_id="changelist-form")
        fields = fields or {"csrfmiddlewaretoken": editor.cookies.get("csrftoken", "")}
        fields.update(action="delete_selected", _selected_action=selection, index="0")
        prober.post(editor, "admin tampered action", admin_url("athletes/athlete"), fields)


def tampered(prober, editor, path, variants, label):
    """The object's real form, each time with some fields forged: refused, nothing changed."""
    for variant in variants:
        page, fields = editor.form(path)
        if fields is None:
            prober.report.problems.append(f"setup: GET {path}: no form ({page.status})")
            continue
        fields.update(variant)
        description = ", ".join(f"{k}={str(v)[:30]!r}" for k, v in variant.items())
        prober.post(
            editor,
            "admin tampered form",
            path,
            fields,
            label=f"{label}: {description}",
            expect={200, 400, 403, 404},
        )


def png(width, height, data):
    """A PNG declaring `width` × `height` one-bit grey pixels, with `data` as its pixel stream."""

    def chunk(kind, content):
        body = kind + content
        return struct.pack(">I", len(content)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def decompression_bomb():
    """20,000 × 20,000 pixels (400 million) in some 50 kB: 50 MB once decoded."""
    width = height = 20_000
    row = b"\x00" * (1 + width // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _row in range(height)) + compressor.flush()
    return png(width, height, data)


def uploads():
    """(label, file name, content type, bytes) of files no photo field may take."""
    return [
        ("text named .jpg", "portrait.jpg", "image/jpeg", b"This is not an image at all.\n" * 40),
        (
            "script as SVG",
            "portrait.svg",
            "image/svg+xml",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        ),
        ("HTML named .png", "portrait.png", "image/png", b"<html><script>alert(1)</script>"),
        ("decompression bomb", "bomb.png", "image/png", decompression_bomb()),
        (
            "PNG declaring 100,000 × 100,000 pixels",
            "huge.png",
            "image/png",
            png(100_000, 100_000, zlib.compress(b"\x00" * 1000)),
        ),
        ("truncated PNG", "cut.png", "image/png", png(64, 64, b"")[:40]),
        (
            "9 MB, over the photo limit",
            "large.jpg",
            "image/jpeg",
            b"\xff\xd8\xff\xe0" + b"\x00" * (9 * 1024 * 1024),
        ),
    ]


def media_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def probe_uploads(prober, editor, inv):
    athlete = admin_url("athletes/athlete", inv["athlete_id"])
    before = media_files(prober.media)
    for label, name, content_type, content in uploads():
        _page, fields = editor.form(athlete)
        prober.post(
            editor,
            "hostile upload",
            athlete,
            fields,
            files={"photo": (name, content_type, content)},
            label=label,
            expect={200, 400},
        )
    # Over MAX_REQUEST_BYTES (10 MB): refused from its Content-Length, before the body is
    # read; the answer comes while the client is still sending.
    _page, fields = editor.form(athlete)
    body, content_type = multipart(fields, {"photo": ("big.jpg", "image/jpeg", b"\0" * 11_000_000)})
    head = (
        f"POST {athlete} HTTP/1.1\r\nHost: {HOST}:{prober.server.port}\r\n"
        f"Cookie: {'; '.join(f'{k}={v}' for k, v in editor.cookies.items())}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    status = raw_request(prober.server.port, head + body[: 1024 * 1024])
    elapsed = time.monotonic() - started
    prober.check(
        "hostile upload",
        f"POST {athlete} (11 MB body, {elapsed:.2f} s)",
        _RawResponse(status),
        expect={413},
    )
    after = media_files(prober.media)
    if after != before:
        left = sorted(set(after) - set(before))
        prober.report.problems.append(f"changed: refused uploads left files: {left}")


def store_markup(prober, editor, inv):
    """Markup in every text field an editor has; returns {field: number}."""
    numbers = {}

    def payload(name):
        numbers[name] = len(numbers) + 1
        return STORED.format(n=numbers[name])

    def url_payload(name):
        numbers[name] = len(numbers) + 1
        return STORED_URL.format(n=numbers[name])

    def save(path, label, change):
        page, fields = editor.form(path)
        if fields is None:
            prober.report.problems.append(f"setup: GET {path}: no form ({page.status})")
            return
        change(fields)
        response = prober.post(editor, "stored markup", path, fields, label=label, changes=True)
        if response.status != 302:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
            prober.report.problems.append(
                f"setup: saving {label} answered {response.status}: {' '.join(errors)[:300]}"
            )

    def athlete_fields(fields):
        for name in ("given_name", "family_name", "birthplace", "photo_credit", "biography"):
            fields[name] = payload(f"athlete.{name}")
        count = int(fields["highlights-TOTAL_FORMS"])
        fields["highlights-TOTAL_FORMS"] = str(count + 1)
        fields.update(
            {
                f"highlights-{count}-position": "999",
                f"highlights-{count}-kind": "story",
                f"highlights-{count}-title": payload("highlight.title"),
                f"highlights-{count}-text": payload("highlight.text"),
                f"highlights-{count}-read_version": "0",
            }
        )
        count = int(fields["aliases-TOTAL_FORMS"])
        fields["aliases-TOTAL_FORMS"] = str(count + 1)
        fields.update(
            {f"aliases-{count}-name": payload("alias.name"), f"aliases-{count}-read_version": "0"}
        )

    def competition_fields(fields):
        fields["name"] = payload("competition.name")
        fields["city"] = payload("competition.city")

    def event_fields(fields):
        fields["video_url"] = url_payload("event.video_url")
        fields["results-0-note"] = payload("result.note")

    def source_fields(fields):
        fields["title"] = payload("source.title")
        fields["publisher"] = payload("source.publisher")
        fields["note"] = payload("source.note")
        fields["url"] = url_payload("source.url")

    save(
        admin_url("athletes/athlete", inv["athlete_id"]),
        "athlete, highlight, alias",
        athlete_fields,
    )
    save(admin_url("results/competition", inv["competition_id"]), "competition", competition_fields)
    save(admin_url("results/event", inv["event_id"]), "event, result", event_fields)
    save(admin_url("athletes/source", inv["source_id"]), "source", source_fields)
    prober.rebase()
    return numbers


def read_back(prober, visitor, editor, inv, numbers):
    """Every kind of public page, and the admin's pages of what was changed."""
    seen = {name: [] for name in numbers}
    pages = public_pages(inv)
    admin_pages = {
        "admin athlete": admin_url("athletes/athlete", inv["athlete_id"]),
        "admin athlete list": admin_url("athletes/athlete") + "?q=alert",
        "admin athlete history": admin_url("athletes/athlete", inv["athlete_id"], "history"),
        "admin competition": admin_url("results/competition", inv["competition_id"]),
        "admin competition list": admin_url("results/competition"),
        "admin event": admin_url("results/event", inv["event_id"]),
        "admin result list": admin_url("results/result"),
        "admin source": admin_url("athletes/source", inv["source_id"]),
        "admin source list": admin_url("athletes/source"),
        "admin revisions": admin_url("revisions/revision"),
        "admin check archive": "/admin/check-archive/",
        "admin home": "/admin/",
    }
    revision_ids = database.query(
        prober.database, "SELECT id FROM revisions_revision ORDER BY id DESC LIMIT 4"
    )
    for (revision_id,) in revision_ids:
        admin_pages[f"admin revision {revision_id}"] = admin_url("revisions/revision", revision_id)
    for client, group in ((visitor, pages), (editor, pages), (editor, admin_pages)):
        for page_type, path in group.items():
            response = prober.get(client, "read back", path, expect={200})
            prober.report.pages_read_back += 1
            for name, number in numbers.items():
                if ESCAPED_MARKER.format(n=number) in response.text and client is visitor:
                    seen[name].append(page_type)
    prober.report.page_types = sorted(pages) + sorted(admin_pages)
    prober.report.stored_fields = seen


def run_hostile(server):
    """Part 1; returns its figures (HostileReport.as_dict)."""
    prober = Prober(server)
    inv = archive_inventory(server.archive.database)
    visitor = Client(server.port)
    editor = Client(server.port)
    response = editor.log_in("editor0")
    if response.status != 302:
        raise AssertionError(f"the editor could not log in: {response.status}")
    prober.rebase()  # logging in writes the session and the login's own records
    probe_public(prober, visitor, inv)
    probe_raw(prober)
    probe_admin_anonymous(prober, Client(server.port), inv)
    probe_admin_editor(prober, editor, inv)
    probe_uploads(prober, editor, inv)
    numbers = store_markup(prober, editor, inv)
    read_back(prober, visitor, editor, inv, numbers)
    probe_login(prober, Client(server.port))
    for client in (visitor, editor):
        client.close()
    return prober.report.as_dict()
