"""
Readers' corrections: any reader reports a mistake on an athlete's, a competition's or an
event's page without an account; scripts are kept out (CSRF, a honeypot, an hourly allowance
per sender) and nothing public changes until an editor accepts the report, linking the change
made, or declines it, in the admin's queue, where every decision is kept in its history.
"""

import asyncio
import datetime
import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.merge import merge_athletes
from corrections.models import Correction
from corrections.services import SUBMISSIONS_PER_HOUR
from results.caching import archive_state
from results.models import Competition, Event
from results.roles import EDITORS
from revisions.models import Revision

from .factories import AthleteFactory
from .helpers import (
    action_page,
    change_url,
    changelist_url,
    confirmation_form,
    create_editor,
    editor_session,
    form_data,
    page_html,
    page_text,
    save_change,
)

pytestmark = pytest.mark.django_db

ATHLETE_FORM = "/corrections/new/?athlete=jefferson-perez"
COMPETITION_FORM = "/corrections/new/?competition=olympic-games-1996"
EVENT_FORM = "/corrections/new/?event=world-championships-2007/20KW/m/final"
REPORT = {
    "what_is_wrong": "His birthplace is Cuenca, not Quito.",
    "source": "https://example.org/result-sheet.pdf, page 3",
    "email": "reader@example.org",
}
VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def report(client, url=ATHLETE_FORM, **fields):
    """A reader opens the form at `url`, fills it in as REPORT with `fields`, and sends it."""
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**form_data(page, "correction-form"), **REPORT, **fields})


def reports_from(address, count, url=ATHLETE_FORM):
    """`count` reports sent from `address`, straight to the form's address: the answers."""
    client = Client(REMOTE_ADDR=address)
    return [client.post(url, REPORT) for _ in range(count)]


@pytest.fixture
def correction(perez):
    """An open report on Pérez's profile, as a reader sent it."""
    assert report(Client()).status_code == 302
    return Correction.objects.get()


@pytest.fixture
def ana_revision(ana, perez):
    """The change Ana made after reading a report: his birthplace, saved in the admin."""
    before = Revision.objects.count()
    assert save_change(ana, perez, birthplace="Cuenca").status_code == 302
    assert Revision.objects.count() == before + 1
    return Revision.objects.latest("pk")


def decide(client, action, *corrections, **fields):
    """Choose `action` for `corrections` in the queue and confirm it with `fields`."""
    page = action_page(client, action, *corrections)
    assert page.status_code == 200
    return client.post(
        changelist_url(Correction), confirmation_form(page, f"{action}-form", **fields)
    )


# The reader's side --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page, form",
    [
        ("/athletes/jefferson-perez/", ATHLETE_FORM),
        ("/competitions/olympic-games-1996/", COMPETITION_FORM),
        ("/competitions/world-championships-2007/20KW/m/final/", EVENT_FORM),
    ],
)
def test_athlete_competition_and_event_pages_link_to_their_correction_form(
    client, perez, page, form
):
    html = page_html(client.get(page))
    assert f'href="{form}"' in html
    assert "Suggest a correction" in html


@pytest.mark.parametrize(
    "form, about",
    [
        (ATHLETE_FORM, "Jefferson Pérez"),
        (COMPETITION_FORM, "Olympic Games Atlanta 1996"),
        (EVENT_FORM, "Men's 20 km race walk, IAAF World Championships Osaka 2007"),
    ],
)
def test_the_form_says_which_page_it_is_about(client, perez, form, about):
    response = client.get(form)
    assert response.status_code == 200
    assert about in page_text(response)
    assert response.context["target"].row.get_absolute_url() in page_html(response)


def test_a_reader_sends_a_correction_without_an_account(client, perez):
    response = report(client)

    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in page_text(thanks)
    assert 'href="/athletes/jefferson-perez/"' in page_html(thanks)
    correction = Correction.objects.get()
    assert correction.status == Correction.Status.OPEN
    assert (correction.kind, correction.athlete, correction.about) == (
        "athlete",
        perez,
        "Jefferson Pérez",
    )
    assert correction.what_is_wrong == REPORT["what_is_wrong"]
    assert correction.source == REPORT["source"]
    assert correction.email == REPORT["email"]


def test_reports_on_a_competition_and_an_event_point_at_their_rows(client, perez):
    assert report(client, COMPETITION_FORM, email="").status_code == 302
    assert report(client, EVENT_FORM, email="").status_code == 302

    on_competition, on_event = Correction.objects.order_by("pk")
    assert on_competition.competition == Competition.objects.get(slug="olympic-games-1996")
    event = Event.objects.get_by_natural_key("world-championships-2007", "20KW", "M", "final")
    assert (on_event.kind, on_event.event) == ("event", event)
    assert on_event.email == ""


def test_the_senders_address_is_not_stored(perez):
    reports_from("203.0.113.77", 1)

    stored = Correction.objects.values().get()
    assert not any("203.0.113" in str(value) for value in stored.values())


def test_nothing_public_changes_when_a_reader_reports(client, perez):
    profile = client.get("/athletes/jefferson-perez/").content
    version = archive_state()

    assert report(client).status_code == 302

    assert archive_state() == version, "cached pages stay: the archive's version did not move"
    assert client.get("/athletes/jefferson-perez/").content == profile


def test_a_filled_honeypot_stores_nothing(client, perez):
    response = report(client, website="http://spam.example")

    # Answered as if it were taken, so a script learns nothing.
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_the_honeypot_is_hidden_by_the_stylesheet_not_an_inline_style(client, perez):
    html = page_html(client.get(ATHLETE_FORM))

    assert '<div class="honeypot">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert "style=" not in html
    stylesheet = (Path(settings.BASE_DIR) / "static" / "css" / "archive.css").read_text()
    assert ".honeypot { display: none; }" in stylesheet


def test_a_sender_over_the_hourly_allowance_is_answered_429_and_nothing_is_stored(perez):
    answers = reports_from("198.51.100.9", SUBMISSIONS_PER_HOUR + 1)

    assert [answer.status_code for answer in answers] == [302] * SUBMISSIONS_PER_HOUR + [429]
    refused = answers[-1]
    assert "Too many suggestions" in page_text(refused)
    assert 'class="site-header"' in page_html(refused), "the archive's own page"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert Correction.objects.count() == SUBMISSIONS_PER_HOUR
    # The form itself says so before the reader types anything.
    assert Client(REMOTE_ADDR="198.51.100.9").get(ATHLETE_FORM).status_code == 429


def test_the_allowance_is_per_sender_and_per_hour(perez):
    reports_from("198.51.100.9", SUBMISSIONS_PER_HOUR)

    assert [a.status_code for a in reports_from("198.51.100.10", 1)] == [302]
    Correction.objects.update(submitted_at=timezone.now() - datetime.timedelta(minutes=61))
    assert [a.status_code for a in reports_from("198.51.100.9", 1)] == [302]


def test_one_ipv6_network_shares_one_allowance(perez):
    for host in range(SUBMISSIONS_PER_HOUR):
        reports_from(f"2001:db8:5:7::{host + 1}", 1)

    assert [a.status_code for a in reports_from("2001:db8:5:7:ffff::1", 1)] == [429]
    assert [a.status_code for a in reports_from("2001:db8:5:8::1", 1)] == [302]


def test_a_report_without_the_csrf_token_is_refused(perez):
    browser = Client(enforce_csrf_checks=True)

    forged = browser.post(ATHLETE_FORM, REPORT)

    assert forged.status_code == 403
    assert not Correction.objects.exists()
    assert report(browser).status_code == 302, "the form's own token is accepted"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?athlete=nobody-at-all",
        "?athlete=",
        "?athlete=jefferson-perez&competition=olympic-games-1996",
        "?athlete=jefferson-perez&athlete=jefferson-perez",
        "?athlete=jefferson%00perez",
        "?athlete=" + "x" * 5000,
        "?competition=no-such-games-1999",
        "?event=world-championships-2007/20KW/m",
        "?event=world-championships-2007/20KW/x/final",
        "?event=world-championships-2007/20KW/m/marathon",
        "?event=world-championships-2007/99KW/m/final",
        "?event=world-championships-2007/20K%00W/m/final",
        "?page=jefferson-perez",
    ],
)
def test_a_form_for_no_page_of_the_archive_is_404(client, perez, query):
    assert client.get("/corrections/new/" + query).status_code == 404
    assert client.post("/corrections/new/" + query, REPORT).status_code == 404
    assert client.get("/corrections/thanks/" + query).status_code == 404


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"what_is_wrong": ""}, "what_is_wrong"),
        ({"source": "   "}, "source"),
        ({"email": "not an address"}, "email"),
        ({"what_is_wrong": "x" * 4001}, "what_is_wrong"),
        ({"source": "a\x00b"}, "source"),
        ({"email": "a@b.c" + "d" * 300}, "email"),
    ],
)
def test_junk_in_the_form_is_a_form_error_never_a_500(client, perez, fields, field):
    response = report(client, **fields)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in page_html(response)
    assert not Correction.objects.exists()


def test_only_get_and_post_are_answered(client, perez):
    assert client.put(ATHLETE_FORM).status_code == 405
    assert client.delete(ATHLETE_FORM).status_code == 405


def test_a_report_outlives_the_page_it_was_about(client, perez):
    event = Event.objects.get_by_natural_key("world-championships-2007", "20KW", "M", "final")
    assert report(client, EVENT_FORM).status_code == 302
    on_event = Correction.objects.get(kind="event")

    event.delete()

    on_event.refresh_from_db()
    assert on_event.event is None
    assert on_event.about == "Men's 20 km race walk, IAAF World Championships Osaka 2007"


def test_merging_the_athlete_reported_on_leaves_the_report_alone(perez):
    twin = AthleteFactory(given_name="Jeferson", family_name="Perez", country=perez.country)
    assert Client().post(f"/corrections/new/?athlete={twin.slug}", REPORT).status_code == 302

    merge_athletes(perez, twin)

    on_twin = Correction.objects.get()
    assert (on_twin.athlete, on_twin.about, on_twin.status) == (None, "Jeferson Perez", "open")


# The editors' side --------------------------------------------------------------------------


def test_the_editors_group_may_decide_on_corrections(reference_data):
    editors = Group.objects.get(name=EDITORS)
    granted = set(editors.permissions.values_list("codename", flat=True))
    assert {"view_correction", "change_correction"} <= granted


def test_readers_cannot_see_the_queue(client, correction):
    response = client.get(changelist_url(Correction))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_editor_sees_the_queue_open_first_with_links_to_the_pages(ana, perez):
    reports_from("192.0.2.1", 1)
    reports_from("192.0.2.2", 1, COMPETITION_FORM)
    declined, still_open = Correction.objects.order_by("pk")
    assert decide(ana, "decline_corrections", declined).status_code == 302

    response = ana.get(changelist_url(Correction))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [still_open, declined]
    html = page_html(response)
    assert 'href="/athletes/jefferson-perez/">Jefferson Pérez</a>' in html
    assert 'href="/competitions/olympic-games-1996/">Olympic Games Atlanta 1996</a>' in html
    for query, shown in [
        ("?status__exact=open", [still_open]),
        ("?status__exact=declined", [declined]),
        ("?kind__exact=competition", [still_open]),
    ]:
        filtered = ana.get(changelist_url(Correction) + query)
        assert list(filtered.context["cl"].result_list) == shown, query


def test_an_editor_accepts_a_correction_linking_the_change_made(ana, correction, ana_revision):
    revisions = Revision.objects.count()

    response = decide(
        ana, "accept_corrections", correction, revision=ana_revision.pk, note="Fixed."
    )

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == Correction.Status.ACCEPTED
    assert correction.revision == ana_revision
    assert correction.decided_by.username == "ana"
    assert timezone.now() - correction.decided_at < datetime.timedelta(minutes=1)
    assert correction.editor_note == "Fixed."
    # A decision is not a change to the archive: no revision of its own, no version moved.
    assert Revision.objects.count() == revisions
    page = ana.get(change_url(correction))
    assert reverse("admin:revisions_revision_change", args=[ana_revision.pk]) in page_html(page)


def test_a_change_can_be_linked_by_its_address(ana, correction):
    response = decide(
        ana, "accept_corrections", correction, change_url="https://example.org/erratum"
    )

    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.change_url) == ("accepted", "https://example.org/erratum")


@pytest.mark.parametrize(
    "fields",
    [{}, {"revision": "abc"}, {"revision": str(2**70)}, {"change_url": "not a url"}],
)
def test_an_acceptance_without_a_change_is_refused(ana, correction, fields):
    response = decide(ana, "accept_corrections", correction, **fields)

    assert response.status_code == 200, "the page is shown again, with the error"
    assert response.context["form"].errors
    correction.refresh_from_db()
    assert correction.status == Correction.Status.OPEN


def test_an_editor_declines_a_correction_with_a_note(ana, correction):
    response = decide(ana, "decline_corrections", correction, note="The source says Quito.")

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == Correction.Status.DECLINED
    assert correction.editor_note == "The source says Quito."
    assert correction.decided_by.username == "ana"
    assert correction.revision is None


def test_nothing_public_changes_when_an_editor_decides(client, ana, correction):
    profile = client.get("/athletes/jefferson-perez/").content
    version = archive_state()

    assert decide(ana, "decline_corrections", correction).status_code == 302

    assert archive_state() == version
    assert client.get("/athletes/jefferson-perez/").content == profile


def test_a_decided_correction_is_not_decided_again(ana, correction, ana_revision):
    page = action_page(ana, "accept_corrections", correction)
    data = confirmation_form(page, "accept_corrections-form", revision=ana_revision.pk)
    # Ben declines it while Ana's confirmation page is open.
    assert decide(editor_session("ben"), "decline_corrections", correction).status_code == 302

    response = ana.post(changelist_url(Correction), data)

    correction.refresh_from_db()
    assert (correction.status, correction.decided_by.username) == ("declined", "ben")
    assert correction.revision is None
    assert response.status_code == 302
    said = " ".join(str(message) for message in response.wsgi_request._messages)
    assert "Only open reports can be decided" in said and "declined by ben (" in said
    assert ".." not in said  # a time ending "a.m." ends no sentence of its own


def test_the_buttons_on_a_corrections_page_decide_it(ana, correction, ana_revision):
    page = ana.get(change_url(correction))
    accept_url = reverse("admin:corrections_correction_accept", args=[correction.pk])
    assert page.status_code == 200
    assert f'href="{accept_url}"' in page_html(page)
    assert 'name="_save"' not in page_html(page), "a report is read, not edited"

    confirmation = ana.get(accept_url)
    data = confirmation_form(confirmation, "accept_corrections-form", revision=ana_revision.pk)
    response = ana.post(accept_url, data)

    assert response.status_code == 302
    assert response["Location"] == change_url(correction)
    correction.refresh_from_db()
    assert correction.status == Correction.Status.ACCEPTED
    decided = ana.get(change_url(correction))
    assert f'href="{accept_url}"' not in page_html(decided), "nothing left to decide"


def test_an_editor_cannot_edit_add_or_delete_reports(ana, correction):
    url = change_url(correction)
    assert ana.post(url, {"what_is_wrong": "Rewritten"}).status_code == 403
    assert ana.get(reverse("admin:corrections_correction_add")).status_code == 403
    assert (
        ana.post(reverse("admin:corrections_correction_delete", args=[correction.pk])).status_code
        == 403
    )
    correction.refresh_from_db()
    assert correction.what_is_wrong == REPORT["what_is_wrong"]


@pytest.mark.parametrize("object_id", ["abc", str(2**70), "999999"])
def test_tampered_ids_in_the_queue_never_give_a_500(ana, correction, object_id):
    for name in ("change", "accept", "decline"):
        url = reverse(f"admin:corrections_correction_{name}", args=[object_id])
        assert ana.get(url).status_code == 302, url
    response = ana.post(
        changelist_url(Correction),
        {"action": "decline_corrections", "_selected_action": [object_id]},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.is_open


def test_the_history_of_a_correction_is_kept(ana, correction, ana_revision):
    decide(ana, "accept_corrections", correction, revision=ana_revision.pk, note="Fixed.")

    states = [
        (record.history_type, record.status, getattr(record.history_user, "username", None))
        for record in correction.history.order_by("history_date", "history_id")
    ]
    assert states == [("+", "open", None), ("~", "accepted", "ana")]
    text = page_text(ana.get(change_url(correction)))
    assert "Open (the reader)" in text and "Accepted (ana) Fixed." in text


@pytest.mark.django_db(transaction=True)
def test_a_reports_history_is_written_in_the_transaction_of_the_report(monkeypatch):
    """
    With an event loop running in the thread (Playwright's in the browser tests), Django
    keeps a connection per context. A snapshot written in an empty context went to a new
    connection, outside the report's transaction: it stayed when the report was rolled
    back, and on SQLite it found the tables locked.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    def report_rolled_back():
        try:
            with transaction.atomic():
                Correction.objects.create(
                    kind=Correction.Kind.ATHLETE, about="Someone", what_is_wrong="x", source="y"
                )
                assert Correction.history.count() == 1
                transaction.set_rollback(True)
            return Correction.objects.count(), Correction.history.count()
        finally:
            connection.close()

    async def in_the_loop():
        return report_rolled_back()

    # In a thread of its own: the browser tests' loop may already run in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, in_the_loop()).result() == (0, 0)


def test_a_decision_needs_the_change_permission(correction):
    viewer = create_editor("viewer")
    viewer.groups.clear()
    viewer.user_permissions.set([])
    client = Client()
    client.force_login(viewer)

    response = client.get(reverse("admin:corrections_correction_decline", args=[correction.pk]))

    assert response.status_code == 403
    correction.refresh_from_db()
    assert correction.is_open


# The pages are valid HTML ------------------------------------------------------------------


def test_the_readers_pages_are_valid_html(tmp_path, perez):
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.skip("the Nu HTML Checker needs java and `npm install` (vnu-jar)")
    client = Client(REMOTE_ADDR="192.0.2.50")
    pages = {
        "form": client.get(ATHLETE_FORM),
        "errors": report(client, what_is_wrong=""),
        "thanks": client.get(report(client)["Location"]),
    }
    reports_from("192.0.2.50", SUBMISSIONS_PER_HOUR)
    pages["too-many"] = client.get(ATHLETE_FORM)
    assert pages["too-many"].status_code == 429
    files = []
    for name, response in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )
    errors = [m for m in json.loads(run.stderr)["messages"] if m.get("type") == "error"]
    assert errors == []


def test_the_form_is_never_served_from_the_page_cache(settings, perez):
    """Each reader's form carries a CSRF token of their own, so no one else's is cached."""
    settings.PAGE_CACHE = True
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(ATHLETE_FORM)
    first.get(ATHLETE_FORM)

    assert report(second).status_code == 302
    assert report(first).status_code == 302


def test_the_revision_picker_says_what_each_revision_did(ana, correction, ana_revision):
    query = {"app_label": "corrections", "model_name": "correction", "field_name": "revision"}
    response = ana.get(reverse("admin:autocomplete"), {**query, "term": "Pérez"})

    offered = [option["text"] for option in response.json()["results"]]
    assert f"{ana_revision}: Changed athlete “Jefferson Pérez”." in offered
