"""Part 1: hostile requests against the public site and the admin (see `hostile`)."""

import pytest

from .hostile import run_hostile
from .server import serving

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def report(template, module_directory):
    with serving(template, module_directory / "archive") as server:
        return run_hostile(server)


def problems(report, category):
    return [line for line in report["problems"] if line.startswith(f"{category}:")]


def test_at_least_a_hundred_hostile_requests_are_sent_anonymously_and_as_an_editor(report):
    assert report["requests"] >= 100
    assert report["kinds"]["public parameter"] >= 100
    assert report["kinds"]["admin tampered form"] >= 20
    assert report["kinds"]["hostile upload"] >= 8
    assert not problems(report, "setup")


def test_no_hostile_request_answers_5xx(report):
    assert not problems(report, "5xx")
    assert not any(status.startswith("5") for status in report["statuses"])


def test_refusals_are_the_expected_ones(report):
    # A tampered form is a form error or a 4xx, an oversized body a 413, a bad host a 400.
    assert not problems(report, "status")


def test_no_markup_comes_back_unescaped_and_nothing_leaks(report):
    assert not problems(report, "unescaped")
    assert not problems(report, "leak")


def test_requests_that_should_change_nothing_leave_the_archive_tables_as_they_were(report):
    assert report["checksum_checks"] >= 100
    assert not problems(report, "changed")


def test_no_injected_login_logs_in(report):
    assert not problems(report, "login")


def test_stored_markup_is_read_back_escaped_on_the_public_pages(report):
    seen = report["stored_fields"]
    # The names an athlete is listed by show on most kinds of page, escaped.
    assert len(seen["athlete.given_name"]) >= 8
    for name in ("athlete.biography", "highlight.text", "competition.name", "source.title"):
        assert seen[name], f"{name} was not found on any public page"
