"""Part 5: the login lockout, and the public pages during a guessing flood (see `login`)."""

import pytest

from .durations import CI
from .login import FAILURE_LIMIT, run_login
from .server import serving

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def figures(template, module_directory):
    with serving(template, module_directory / "archive") as server:
        return run_login(server, seconds=CI.login_seconds)


def test_the_lockout_engages_after_the_documented_number_of_failures(figures):
    lockout = figures["lockout"]
    assert lockout["locked_after_failures"] == FAILURE_LIMIT, lockout["statuses"]
    assert lockout["right_password_refused"]


def test_every_guess_after_the_lockout_is_refused_without_hashing_a_password(figures):
    assert set(figures["guess_statuses"]) == {"429"}
    # A password hash costs some 0.2 s of CPU here: two cores hashing would refuse about ten
    # guesses a second.
    assert figures["guesses_per_s"] >= 40


def test_public_pages_keep_their_throughput_during_a_guessing_flood(figures):
    assert figures["during_guessing"]["errors"] == 0
    # Before the lockout was checked first, eight guessing threads left 1/24 of it.
    assert figures["kept_of_alone"] >= 0.1
    # A guess costs the server about what the cheapest page does.
    assert figures["kept_of_trivial_flood"] >= 0.35


def test_editors_logged_in_before_keep_working_and_saving(figures):
    assert figures["editor_logged_in_before"] == 200
    saves = figures["saves_during_guessing"]
    assert saves["acknowledged"] > 0
    assert saves["lost"] == 0
    assert saves["server_errors"] == 0
