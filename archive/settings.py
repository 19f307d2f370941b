"""
Settings for the athletics archive.

Every setting that differs between a developer's laptop and production is read from the
environment, with a default that is safe for local use. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; `manage.py check --deploy` is then clean.
"""

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def media_storage(url):
    """
    Where photos go: the local MEDIA_ROOT, or S3-compatible object storage named by a URL
    such as s3://bucket?endpoint_url=http://127.0.0.1:9000&region=us-east-1&domain=cdn.example
    (keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), shared by every app server.
    """
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parsed = urlsplit(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ImproperlyConfigured(f"MEDIA_STORAGE_URL must look like s3://bucket?…, not {url!r}.")
    query = dict(parse_qsl(parsed.query))
    options = {
        "bucket_name": parsed.netloc,
        "endpoint_url": query.get("endpoint_url"),
        "region_name": query.get("region"),
        "custom_domain": query.get("domain"),
        "location": parsed.path.strip("/"),
        "file_overwrite": False,
        "querystring_auth": False,
        "default_acl": None,
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {key: value for key, value in options.items() if value is not None},
    }


def code_digest(base):
    """A short digest of the templates and code as deployed: the same in every worker."""
    digest = hashlib.sha256()
    for path in sorted(base.glob("[a-z]*/**/*.*")):
        skipped = {".venv", "var", "node_modules", "__pycache__"}.intersection(path.parts)
        if path.suffix in {".py", ".html", ".css", ".js"} and not skipped:
            stat = path.stat()
            digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Closed by default: debug mode (tracebacks, no secret key needed) only when asked for, as
# `make run` and the test suite do.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production set it to a long random value, e.g. "
            "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For local work, `make run` runs in debug mode (DJANGO_DEBUG=1), which needs none."
        )
    # Local work only: a key made once per checkout, never one from the repository.
    _key_file = BASE_DIR / "var" / "local-secret-key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "archive.apps.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "archive",
    "revisions",
    "athletes",
    "results",
    "corrections",
    "api",
]

MIDDLEWARE = [
    "archive.middleware.RequestBodyLimitMiddleware",
    "archive.middleware.DatabaseUnavailableMiddleware",
    "archive.middleware.AdminQuerySanityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages, whole, keyed by the archive's version (archive/pagecache.py).
    "archive.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "revisions.middleware.RevisionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archive.middleware.ArchiveCSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

# Login attempts are limited per account and per address (django-axes). Its backend comes
# first, so a locked-out attempt is refused before any password is hashed: a flood of
# guesses cannot keep the server hashing passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = False
# The client's address is REMOTE_ADDR unless a proxy in front is trusted to set
# X-Forwarded-For (DJANGO_TRUST_PROXY=1).
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env_bool("DJANGO_TRUST_PROXY", False)
    else ["REMOTE_ADDR"]
)

# Content-Security-Policy (django-csp): the public site runs no inline script or style;
# the admin's own templates carry a few inline styles (archive.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("DJANGO_MEDIA_ORIGINS", [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The read-only JSON API (api/, Django REST framework): JSON only, its format chosen by the
# URL alone so that any cache keyed by URL serves the right one; editors' sessions count as
# accounts, nobody else signs in; requests limited per client (per address, or per account),
# counted in the cache. Behind a trusted proxy the client's address is the one it forwards,
# never an X-Forwarded-For the client wrote itself.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.UrlFormatNegotiation",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumbers",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousThrottle",
        "api.throttling.EditorThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "60/minute"),
        "user": os.environ.get("API_USER_RATE", "600/minute"),
    },
    "NUM_PROXIES": 1 if env_bool("DJANGO_TRUST_PROXY", False) else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Athletics archive API",
    "DESCRIPTION": (
        "The competitive history of track, road and race walking athletes as read-only JSON. "
        "Marks are integers in their discipline's unit (milliseconds, millimetres, points) "
        "beside the text statisticians print; every result cites its sources."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Descriptions come from the views' translatable texts, never from their docstrings.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # The API needs no sign-in: the documentation offers none.
    "AUTHENTICATION_WHITELIST": [],
    # Swagger UI's files from drf-spectacular-sidecar, served by this site: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: they put a link inside each operation's button, which screen readers
    # mishandle; no syntax colours: they are too faint to read on their dark background.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
}

ROOT_URLCONF = "archive.urls"

# Where the admin lives: a less guessable address than /admin/ spares it most scanners.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"

# SQLite is the embedded default. WAL lets readers carry on while an editor writes;
# IMMEDIATE transactions take the write lock up front, so two writers queue on the busy
# timeout instead of failing with "database is locked" halfway through a transaction.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "var" / "archive.sqlite3"))


def database(url):
    """
    The database named by DATABASE_URL; left empty, as unset, the local SQLite file. A URL
    that names no database Django knows is refused by its scheme alone: the rest of it may
    hold a password, and the message is printed.
    """
    try:
        return dj_database_url.parse(
            url or f"sqlite:///{SQLITE_PATH}",
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
            # A kept connection the database dropped is replaced before it is used.
            conn_health_checks=True,
        )
    except ValueError:
        raise ImproperlyConfigured(
            f"DATABASE_URL names no database this site can use (scheme {urlsplit(url).scheme!r})"
            ": give postgres://user@host/name, or leave it unset for SQLite at SQLITE_PATH."
        ) from None


DATABASES = {"default": database(os.environ.get("DATABASE_URL", ""))}
# Connections are kept between requests by default: a page served from the cache costs one
# query (the archive's version), and opening a connection would cost more than that. SQLite's
# own backend is wrapped (archive/sqlite) so that a kept connection is dropped once the path
# names another file than the one it opened (a restore from elsewhere, a volume remounted).
SQLITE_ENGINE = "archive.sqlite"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
# PostgreSQL's backend is wrapped (archive/postgresql) to run the queries that ask for it as
# prepared statements, planned once per connection (revisions/statements.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "archive.postgresql"
PG_PREPARED_STATEMENTS = env_bool("PG_PREPARED_STATEMENTS", True)
if "DJANGO_CONN_MAX_AGE" not in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = 60
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    # Tests run in memory, as on Django's own SQLite backend (whose name tools recognise).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # How long a write waits for another to finish before the page answers 503.
        "timeout": float(os.environ.get("SQLITE_TIMEOUT", "5")),
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
    }

# Public pages are cached whole for anonymous readers, keyed by the archive's version, with
# ETag/Last-Modified for conditional GETs (archive/pagecache.py). PAGE_CACHE_SECONDS is how
# long a proxy or CDN may keep a page (Cache-Control max-age); ARCHIVE_RELEASE names the
# code's release in every ETag, so a deploy that changes the templates changes the tags (by
# default a digest of the templates and code as deployed).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
ARCHIVE_RELEASE = os.environ.get("ARCHIVE_RELEASE") or code_digest(BASE_DIR)

# Cached tables are keyed by the archive's version (results.caching), so a per-process cache
# is never stale; a shared one (Redis, Memcached) only saves work across processes.
# CACHE_URL (redis://host:6379/0) shares one cache, and the sessions, between app servers;
# dummy:// means no cache at all, every table computed on each request (the benchmark's cold
# server measures that), sessions then staying in the database.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif CACHE_URL:
    # The test suite's parallel workers (pytest-xdist) each take their own Redis database,
    # the next ones after CACHE_URL's: a test empties the cache, which would otherwise log
    # out the editors of the tests running beside it. Redis has 16 unless told otherwise
    # (`redis-server --databases N`, as .ci/run does for a machine of many cores).
    if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
        _redis = urlsplit(CACHE_URL)
        _database = int(_redis.path.strip("/") or 0) + 1 + int(_worker.removeprefix("gw"))
        CACHE_URL = _redis._replace(path=f"/{_database}").geturl()
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "archive",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language by its own name, as the header's switcher shows it (archive/language.py).
LANGUAGES = [("en", "English"), ("es", "Español")]
# Compiled by `make setup` from the .po files (the .mo files are never committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
# A reader's choice of language outlives the browser session; the cookie says nothing else.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": media_storage(os.environ.get("MEDIA_STORAGE_URL", "")),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Photos: what an editor may upload (checked with Pillow, not by file name).
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", 8 * 1024 * 1024))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", 40_000_000))
# How long a replaced or deleted photo stays under removed/, where an undo finds it, before
# `manage.py purge_removed_photos` deletes it.
PHOTO_REMOVED_DAYS = int(os.environ.get("PHOTO_REMOVED_DAYS", 30))
# Any request body larger than this is refused before it is read: a photo and its form.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", PHOTO_MAX_BYTES + 2 * 1024 * 1024))
# What a 503 (database busy or unreachable) asks a client to wait before trying again.
RETRY_AFTER_SECONDS = int(os.environ.get("RETRY_AFTER_SECONDS", "5"))

# The fixtures `make run` loads, in dependency order.
REFERENCE_FIXTURES = ["countries", "disciplines", "championships", "barriers"]

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS for a year; covering subdomains and the browsers' preload list are decisions
    # about the whole domain that are hard to undo, so each is asked for explicitly.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
# Only a proxy that sets X-Forwarded-Proto itself, and is the only way in, may be trusted.
if env_bool("DJANGO_TRUST_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
ATHLETE_FIXTURES_DIR = BASE_DIR / "fixtures" / "athletes"

# An event's results are typed as one form of up to revisions.admin.MAX_FORMS rows of about
# fifteen fields each; Django's default of 1,000 fields stops at some 60 rows.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
