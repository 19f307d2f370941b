"""
gunicorn's settings for `make serve`, from the machine and the environment.

Threads let a worker serve reads while one of its requests waits for SQLite's write lock
(WAL readers never wait for a writer); processes use every core.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A request that takes longer than this is stuck, not slow: its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Bounded headers: the body is capped by the archive's own middleware.
limit_request_line = 8190
limit_request_fields = 100
max_requests = 2000
max_requests_jitter = 200
# Empty turns the access log off (the benchmark does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
wsgi_app = "archive.wsgi:application"


def on_starting(server):
    """Refuse to start on a missing SQLite file (see archive.startup)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    from archive.startup import check_database_exists

    check_database_exists()


def post_worker_init(worker):
    """
    Once a worker has loaded the site, what it loaded (Django, the apps, the URL patterns:
    some hundreds of thousands of objects) is set aside from the garbage collector
    (`gc.freeze`): its full collections, every few hundred requests, walked all of them, a
    pause of several milliseconds that one request in a few dozen took. An all-time list
    served about a tenth more requests a second (docs/performance.md, "Building rows, and the
    garbage collector").
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads the URL patterns, lazily read otherwise)
    gc.collect()
    gc.freeze()
