"""
What several test modules share, in one place: the archive's tables and their row counts,
loading, exporting, emptying and growing the archive, the public pages and what a page
says, counting queries, editors' sessions and the admin forms they post.
"""

import html
import re

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Athlete, Country, Sex
from results.bestmarks import rebuild as rebuild_list_tables
from results.caching import archive_changed
from results.models import Championship, Discipline, Result
from results.roles import EDITORS
from revisions.models import ArchiveModel

from .factories import CompetitionFactory, EventFactory
from .page_forms import read_forms

# The tables `make run` fills before any athlete's file: every archive starts from them.
REFERENCE_MODELS = {
    "athletes.country",
    "results.discipline",
    "results.championship",
    "results.barrier",
}
# Rows deleted in this order empty the archive without tripping a PROTECT foreign key;
# claims, citations and highlights go with their athlete, result or competition.
ARCHIVE_DATA_MODELS = [
    "results.result",
    "results.event",
    "results.competition",
    "athletes.highlight",
    "athletes.alias",
    "athletes.athlete",
    "athletes.source",
]


def archive_models():
    """
    The archive's data tables, many-to-many citations included: not the historical
    snapshots (`revisions`) nor the cache's version counter.
    """
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        if isinstance(owner, type) and issubclass(owner, ArchiveModel):
            yield model


def row_counts():
    """Rows per archive table, by lower-case label ("results.result")."""
    return {model._meta.label_lower: model.objects.count() for model in archive_models()}


def forget_planner_statistics():
    """
    Drop what ANALYZE gathered, on SQLite, where it outlives the tables' rows: the crawl's
    statistics of an archive of one athlete made the planner scan the athletes' table in
    the query-plan tests that ran after it in the same process.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
        # Dropped, not emptied: a test's ANALYZE that fills a table already there and is
        # rolled back leaves its figures in the planner, where one that creates the table
        # and is rolled back takes them away with it.
        for (table,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE {table}")


def on_the_test_database():
    """
    Whether the connection is to a database the test run made (in memory, or `test_…`).
    pytest-django makes one only when a selected test asks for it; fixtures that write
    outside a test's own database check first.
    """
    if connection.vendor == "sqlite":
        return connection.is_in_memory_db()
    return connection.settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX)


def load(*fixtures, **options):
    """`manage.py loaddata` of fixture files or names, quietly."""
    call_command("loaddata", *map(str, fixtures), verbosity=0, **options)


def export_athlete(slug, path, **options):
    """`manage.py export_athlete slug --output path`: the bytes it wrote."""
    call_command("export_athlete", slug, output=str(path), **options)
    return path.read_bytes()


def delete_all_but_reference_data():
    """
    Leave only the reference data, as in a new archive after `loaddata countries disciplines
    championships barriers`. Cheaper than `flush` and a reload, and safe inside the test's
    transaction; the check below notices a model added to the apps but not deleted here.
    """
    for label in ARCHIVE_DATA_MODELS:
        apps.get_model(label).objects.all().delete()
    left = {
        label: count
        for label, count in row_counts().items()
        if count and label not in REFERENCE_MODELS
    }
    assert not left, f"rows left after emptying the archive: {left}"


def public_pages():
    """
    One page of each kind a visitor reads, by a name for test ids, in the archive as shipped
    (reference data and Jefferson Pérez's file: the `perez` fixture).
    """
    return {
        "home": "/",
        "athlete-list": "/athletes/",
        "athlete": "/athletes/jefferson-perez/",
        "country-list": "/countries/",
        "country": "/countries/ECU/",
        "competition-list": "/competitions/",
        "competition": "/competitions/olympic-games-1996/",
        "event": "/competitions/world-championships-2007/20KW/m/final/",
        "championship-list": "/championships/",
        "championship": "/championships/world-championships/",
        "discipline-list": "/disciplines/",
        "discipline": "/disciplines/20KW/",
        "discipline-performances": "/disciplines/20KW/?list=performances",
        "medals": "/medals/",
        "search": "/search/?q=perez",
        "head-to-head": "/athletes/jefferson-perez/versus/francisco-javier-fernandez/",
    }


def grow_archive(perez, competitions=20, field_size=25, *, first_year=1960, cited=None):
    """
    Ten times the shipped archive: `competitions` more Olympic finals from `first_year`, each
    with `field_size` rivals ahead of Pérez, every result citing `cited` (a source) if given.
    Bulk-created, so the test stays fast.
    """
    walk = Discipline.objects.get(code="20KW")
    olympics = Championship.objects.get(slug="olympic-games")
    country = perez.country
    athletes = Athlete.objects.bulk_create(
        Athlete(
            slug=f"rival-{index}",
            given_name="Rival",
            family_name=f"Number {index}",
            search_name=f"rival number {index}",
            sex=Sex.MEN,
            country=country,
        )
        for index in range(competitions * field_size)
    )
    results = []
    for index in range(competitions):
        competition = CompetitionFactory(
            championship=olympics, year=first_year + index, country=country
        )
        event = EventFactory(competition=competition, discipline=walk, sex=Sex.MEN)
        results.append(
            Result(
                event=event,
                athlete=perez,
                country=country,
                place=field_size + 1,
                mark=4_900_000 + index,
            )
        )
        for place in range(1, field_size + 1):
            athlete = athletes[index * field_size + place - 1]
            results.append(
                Result(
                    event=event,
                    athlete=athlete,
                    country=country,
                    place=place,
                    mark=4_700_000 + place * 1000 + index,
                )
            )
    Result.objects.bulk_create(results)
    if cited is not None:
        Result.sources.through.objects.bulk_create(
            Result.sources.through(result_id=result.pk, source_id=cited.pk) for result in results
        )
    # bulk_create sends no signals: the archive's version and its list tables are kept here.
    archive_changed()
    rebuild_list_tables()
    if connection.vendor == "postgresql":
        # Fresh planner statistics for the grown tables, as autovacuum gives a live database
        # within a minute of such a load: with the statistics of a test database of a few
        # rows, PostgreSQL joined a list's results by scanning them (30 s a query).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def count_queries(action, *args, **kwargs):
    """How many SQL queries `action(*args, **kwargs)` runs."""
    with CaptureQueriesContext(connection) as captured:
        action(*args, **kwargs)
    return len(captured)


def page_html(response):
    """The page's HTML with character references decoded: `&#x27;` reads as the `'` typed."""
    return html.unescape(response.content.decode())


# Editors and the admin's forms -----------------------------------------------------------


def create_editor(username):
    """A staff account in the Editors group (not a superuser), as the archive's editors are."""
    user = User.objects.create_user(username, password="walk-20-km", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def editor_session(username):
    """A browser of its own logged in as a new editor: for tests where several editors work."""
    client = Client()
    client.force_login(create_editor(username))
    return client


def form_data(response, form_id=None):
    """
    What the page's form (`form_id`, else the first one with a CSRF token) submits as it
    stands, as a dict for the test client: the data an editor's browser holds.
    """
    forms = read_forms(response.content.decode())
    if form_id is None:
        form_id = next(key for key, form in forms.items() if "csrfmiddlewaretoken" in form)
    return {key: value for key, value in forms[form_id].items() if value != []}


def change_url(obj):
    """The admin change page of `obj`."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def opened(client, obj):
    """The change form of `obj` as the editor's browser holds it after opening the page."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_data(response, form_id=f"{obj._meta.model_name}_form")


def save_change(client, obj, **changes):
    """Open the change form of `obj`, change `changes` in it and save: the admin's answer."""
    return client.post(change_url(obj), {**opened(client, obj), **changes, "_continue": "Save"})


def undescribed(response):
    """
    The ids a field of the page is described by (`aria-describedby`) that no element of the
    page has: what a screen reader would read as nothing.
    """
    page = response.content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    return [name for names in described for name in names.split() if name not in ids]


def changelist_url(model):
    """The admin list of `model`'s rows, where its actions are chosen."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def action_page(client, action, *selected):
    """What the admin action `action` answers for the rows `selected` of one list."""
    data = {"action": action, "_selected_action": [obj.pk for obj in selected]}
    return client.post(changelist_url(type(selected[0])), data)


def confirmation_form(page, form_id, **fields):
    """What an action's confirmation `page` posts to confirm it, with `fields` chosen in it."""
    return {**form_data(page, form_id=form_id), **fields, "confirm": "1"}


def confirm_delete(client, obj):
    """Open the delete page of `obj` and confirm it as shown: the admin's answer."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, form_id="delete-form"))


def paste_url(event):
    """The page where a result list is pasted into `event`."""
    return reverse("admin:results_event_paste", args=[event.pk])


def paste_preview(client, event, lines, **fields):
    """The preview of `lines` pasted into `event`, every row checked and nothing saved."""
    response = client.post(paste_url(event), {"lines": lines, "preview": "1", **fields})
    assert response.status_code == 200
    return response


def paste_save(client, event, preview, **changes):
    """Post the preview back as the editor's browser holds it, with `changes` to its fields."""
    data = {**form_data(preview, form_id="paste-rows"), **changes, "save": "1"}
    return client.post(paste_url(event), data)


def athlete_form(photo=None, **fields):
    """The admin's athlete add form as a browser posts it: no highlights or aliases."""
    data = {
        "given_name": "Ana",
        "family_name": "Cabecinha",
        "slug": "ana-cabecinha",
        "sex": "W",
        "country": Country.objects.get(code="POR").pk,
        "date_of_birth": "",
        "birthplace": "",
        "retired_on": "",
        "photo_credit": "Archive photo",
        "biography": "",
        "highlights-TOTAL_FORMS": "0",
        "highlights-INITIAL_FORMS": "0",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "_save": "Save",
        **fields,
    }
    if photo is not None:
        data["photo"] = photo
    return data


def text_of(html_text):
    """Visible text of some HTML, tags stripped and white space folded."""
    text = re.sub(r"<[^>]+>", " ", html_text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def page_text(response):
    """The visible text of a page, tags stripped and white space folded."""
    return " " + text_of(response.content.decode()) + " "
