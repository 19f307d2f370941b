"""
A small HTTP client for the suite: one keep-alive connection to 127.0.0.1, cookies, the
admin's forms as a browser would submit them, and multipart uploads. Built on http.client so
that a request line goes out exactly as written (percent-encoded NUL bytes, bad UTF-8).
"""

import http.client
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from ..page_forms import read_forms
from .server import EDITOR_PASSWORD, HOST

# What a connection the server has already closed looks like when it is reused.
STALE_CONNECTION = (
    http.client.RemoteDisconnected,
    http.client.BadStatusLine,
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
)


@dataclass
class Response:
    status: int
    headers: list
    body: bytes
    started: float
    elapsed: float

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def location(self):
        return self.header("Location") or ""


class Client:
    """
    One visitor: a keep-alive connection (reopened when the server has closed it; an
    idempotent request is then sent again, as browsers do) and a cookie jar.
    """

    def __init__(self, port, timeout=30, keep_alive=True):
        self.port = port
        self.timeout = timeout
        self.keep_alive = keep_alive
        self.cookies = {}
        self.connection = None
        self.idle_since = 0.0
        self.reconnects = 0
        # When the current connection was opened (its server process may have died since).
        self.opened_at = 0.0

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _connect(self):
        self.close()
        self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        self.opened_at = time.monotonic()
        return self.connection

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers.setdefault("Host", f"{HOST}:{self.port}")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if not self.keep_alive:
            headers["Connection"] = "close"
        # A POST is never sent twice: it goes on a fresh connection unless the current one
        # was used a moment ago (gunicorn closes idle connections after 5 s).
        reused = self.connection is not None
        if reused and method != "GET" and time.monotonic() - self.idle_since > 1:
            self._connect()
            reused = False
        connection = self.connection or self._connect()
        started = time.monotonic()
        try:
            response = self._exchange(connection, method, path, body, headers)
        except STALE_CONNECTION:
            self.close()
            if not (reused and method in ("GET", "HEAD")):
                raise
            self.reconnects += 1
            started = time.monotonic()
            response = self._exchange(self._connect(), method, path, body, headers)
        response.started = started
        response.elapsed = time.monotonic() - started
        self.idle_since = time.monotonic()
        if not self.keep_alive or (response.header("Connection") or "").lower() == "close":
            self.close()
        self._store_cookies(response)
        return response

    def _exchange(self, connection, method, path, body, headers):
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in headers.items():
            connection.putheader(key, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        answer = connection.getresponse()
        content = answer.read()
        return Response(answer.status, answer.getheaders(), content, 0.0, 0.0)

    def _store_cookies(self, response):
        for key, value in response.headers:
            if key.lower() != "set-cookie":
                continue
            pair, *attributes = value.split(";")
            name, _sep, content = pair.strip().partition("=")
            expired = any(
                a.strip().lower().startswith(("max-age=0", "expires=thu, 01 jan 1970"))
                for a in attributes
            )
            if expired or content in ('""', ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = content

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, files=None, **headers):
        """POST `fields` (a dict of str or lists) as a form, multipart when `files` are given."""
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urlencode(list(_pairs(fields))).encode()
            content_type = "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        return self.request("POST", path, body=body, headers=headers)

    def form(self, path, form_id=None):
        """The page at `path`, and what its form (`form_id`, else the main one) submits."""
        page = self.get(path)
        if page.status != 200:
            return page, None
        forms = read_forms(page.text)
        if form_id is None:
            # The page's own form, not the logout button's: the one with the most fields.
            candidates = [key for key, form in forms.items() if "csrfmiddlewaretoken" in form]
            form_id = max(candidates, key=lambda key: len(forms[key]), default=None)
        return page, forms.get(form_id)

    def log_in(self, username, password=EDITOR_PASSWORD, login_path="/admin/login/"):
        page, fields = self.form(login_path)
        if fields is None:
            return page
        fields.update(username=username, password=password, next="/admin/")
        return self.post(login_path, fields)


def _pairs(fields):
    for key, value in fields.items():
        if isinstance(value, list | tuple):
            for item in value:
                yield key, item
        else:
            yield key, value


def multipart(fields, files):
    """A multipart/form-data body: `files` maps a field to (file name, content type, bytes)."""
    boundary = "----reliability" + secrets.token_hex(12)
    parts = []
    for key, value in _pairs(fields):
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for key, (name, content_type, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
