"""
Closed by default and hard to break: production refuses to start without a secret key or
on a missing database, `check --deploy` is clean with the documented variables, password
guessing is locked out before any hash is computed, and a Content-Security-Policy is sent.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

# The production variables the README documents (deployment section).
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-value-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "archive.example",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
}


def run(arguments, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SQLITE_", "DATABASE_URL", "CACHE_URL", "MEDIA_STORAGE"))
    }
    env.update(environment)
    return subprocess.run(arguments, env=env, capture_output=True, text=True, timeout=120)


def python_settings(expression, **environment):
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'archive.settings');"
        f"django.setup(); from django.conf import settings; print({expression})"
    )
    return run([sys.executable, "-c", code], **environment)


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    database = tmp_path / "archive.sqlite3"
    database.touch()
    done = run(
        [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        SQLITE_PATH=str(database),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_to_start_without_a_secret_key():
    environment = {**PRODUCTION}
    del environment["DJANGO_SECRET_KEY"]
    done = run([*MANAGE, "check"], **environment)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_empty_database_url_reads_as_unset_the_local_sqlite_file(tmp_path):
    done = python_settings(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        DJANGO_DEBUG="1",
        DATABASE_URL="",
        SQLITE_PATH=str(tmp_path / "archive.sqlite3"),
    )
    assert done.stdout.strip() == f"archive.sqlite {tmp_path / 'archive.sqlite3'}", done.stderr


def test_a_database_url_of_no_known_database_is_refused_without_printing_it():
    done = run([*MANAGE, "check"], DJANGO_DEBUG="1", DATABASE_URL="mysqlx://editor:s3cret@db/a")
    assert done.returncode != 0
    assert "DATABASE_URL names no database this site can use (scheme 'mysqlx')" in done.stderr
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr


def test_without_any_variable_the_site_is_not_in_debug_mode():
    done = python_settings("settings.DEBUG", DJANGO_SECRET_KEY="k" * 50)
    assert done.stdout.strip() == "False", done.stderr


def test_the_server_refuses_a_missing_sqlite_file(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    config = Path(settings.BASE_DIR) / "gunicorn.conf.py"
    done = run(
        [str(gunicorn), "--config", str(config), "--bind", "127.0.0.1:0"],
        **PRODUCTION,
        SQLITE_PATH=str(tmp_path / "nowhere.sqlite3"),
    )
    assert done.returncode != 0
    assert "does not exist" in done.stderr
    assert not (tmp_path / "nowhere.sqlite3").exists()


def test_hsts_subdomains_preload_and_the_proxy_header_are_opt_in():
    base = {**PRODUCTION}
    del base["DJANGO_HSTS_INCLUDE_SUBDOMAINS"], base["DJANGO_HSTS_PRELOAD"]
    expression = (
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD,"
        " getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)"
    )
    assert python_settings(expression, **base).stdout.strip() == "False False None"
    trusted = python_settings(expression, **PRODUCTION, DJANGO_TRUST_PROXY="1").stdout
    assert trusted.strip() == "True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_password_guessing_is_locked_out_and_the_right_password_then_refused(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user("editor", password="walk-20-km-fast", is_staff=True)
    url = reverse("admin:login")
    statuses = [
        client.post(url, {"username": "editor", "password": "wrong"}).status_code
        for _attempt in range(3)
    ]
    # The third failure reaches the limit: that answer is already the lockout page.
    assert statuses == [200, 200, 429]
    response = client.post(url, {"username": "editor", "password": "walk-20-km-fast"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The public site is not locked: only logging in is.
    assert client.get("/").status_code == 200


def test_a_locked_out_attempt_never_hashes_a_password(client, settings, monkeypatch):
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_user("editor", password="walk-20-km-fast", is_staff=True)
    url = reverse("admin:login")
    for _attempt in range(2):
        client.post(url, {"username": "editor", "password": "wrong"})
    hashed = []
    monkeypatch.setattr(User, "check_password", lambda self, raw: hashed.append(raw))
    client.post(url, {"username": "editor", "password": "walk-20-km-fast"})
    assert hashed == []


def test_the_public_site_sends_a_policy_without_inline_script(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
