"""
Editors saving at the same moment on PostgreSQL: each save is kept, and the tables derived
from the results are what a recomputation gives (`revisions/writers.py`). Two editors' saves
(or an editor's save and a fixture load) held side by side, each case that failed before;
then four editors saving as fast as they can. On SQLite one transaction writes at a time already.
"""

import json
import threading
import time

import pytest
from django.core.management import CommandError
from django.db import connection, transaction
from django.urls import reverse

from archive.postgresql.base import ARCHIVE_WRITES_LOCK
from athletes.models import Athlete
from results.models import Discipline, Result

from .factories import AthleteFactory, CountryFactory, EventFactory, ResultFactory
from .helpers import athlete_form, editor_session, load, page_text, save_change
from .test_best_marks import assert_up_to_date

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one transaction write at a time"
    ),
]


def save_side_by_side(first, second):
    """
    Two editors' saves, `first` and `second` (each a function of an editor's client), the
    second sent while the first's transaction, its rows all written, waits half a second
    before it commits. The admin's answers, in that order.
    """
    ana, ben = editor_session("ana"), editor_session("ben")
    first_written = threading.Event()
    answers = {}

    def run(name, client, save):
        if name == "first":
            commit = connection._commit

            def commit_late():
                if not first_written.is_set():
                    first_written.set()
                    time.sleep(0.5)
                return commit()

            connection._commit = commit_late
        else:
            first_written.wait(timeout=10)
        try:
            answers[name] = save(client)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", ana, first)),
        threading.Thread(target=run, args=("second", ben, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers["first"], answers["second"]


def assert_both_saved(first, second, field, typed, stored):
    """Two editors type `typed` in `field` of results `first` and `second` at once."""
    answers = save_side_by_side(
        lambda client: save_change(client, first, **{field: typed[0]}),
        lambda client: save_change(client, second, **{field: typed[1]}),
    )

    assert [answer.status_code for answer in answers] == [302, 302]
    saved = [getattr(Result.objects.get(pk=result.pk), field) for result in (first, second)]
    assert saved == stored
    assert_up_to_date()


def test_two_medals_of_one_nation_saved_at_once(reference_data):
    nation = CountryFactory(code="ECU", name="Ecuador")
    gold = ResultFactory(athlete=AthleteFactory(country=nation), place=1)
    other_gold = ResultFactory(athlete=AthleteFactory(country=nation), place=1)

    assert_both_saved(gold, other_gold, "place", ["2", "3"], [2, 3])


def test_two_results_of_one_athlete_in_one_discipline_saved_at_once(reference_data):
    walker = AthleteFactory()
    first = ResultFactory(athlete=walker, event=EventFactory(), mark=4_900_000)
    second = ResultFactory(athlete=walker, event=EventFactory(), mark=5_000_000)

    assert_both_saved(first, second, "mark", ["1:20:00", "1:19:00"], [4_800_000, 4_740_000])


def test_two_editors_adding_one_athlete_at_once(reference_data):
    """The second is told the slug is taken, as if the first had saved a moment before."""
    answers = save_side_by_side(
        lambda client: client.post(reverse("admin:athletes_athlete_add"), athlete_form()),
        lambda client: client.post(reverse("admin:athletes_athlete_add"), athlete_form()),
    )

    assert answers[0].status_code == 302
    assert answers[1].status_code == 200
    assert "Athlete with this Slug already exists." in page_text(answers[1])
    assert Athlete.objects.filter(slug="ana-cabecinha").count() == 1


def test_a_fixture_load_during_an_editors_save_checks_what_the_editor_saved(
    reference_data, tmp_path
):
    """
    The file fills a blank birthplace that an editor is filling at that moment with another
    value: the load is refused as a conflict, and the editor's value stays (checked before
    the editor's commit, the load would have written over it).
    """
    walker = AthleteFactory(
        slug="francisco-javier-fernandez", country=CountryFactory(code="ESP"), birthplace=""
    )
    fixture = tmp_path / "fernandez.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "athletes.athlete",
                    "fields": {
                        "slug": walker.slug,
                        "given_name": walker.given_name,
                        "family_name": walker.family_name,
                        "sex": walker.sex,
                        "country": ["ESP"],
                        "birthplace": "Guadix",
                    },
                }
            ]
        )
    )

    def load_file(client):
        try:
            load(fixture)
        except CommandError as error:
            return str(error)
        return "loaded"

    answer, loading = save_side_by_side(
        lambda client: save_change(client, walker, birthplace="Granada"), load_file
    )

    assert answer.status_code == 302
    assert "birthplace" in loading
    assert "Granada" in loading
    assert Athlete.objects.get(pk=walker.pk).birthplace == "Granada"


def test_editors_saving_medals_of_two_nations_all_at_once(reference_data):
    """
    Four editors, each changing the places of their own medallists five times over, in two
    disciplines and for two nations, with no pause between saves: every save lands, and the
    medal tallies and best marks are what a recomputation gives.
    """
    nations = [CountryFactory(code="ECU"), CountryFactory(code="MEX")]
    disciplines = [Discipline.objects.get(code=code) for code in ("20KW", "50KW")]
    results = [
        [
            ResultFactory(
                athlete=AthleteFactory(country=nations[(editor + row) % 2]),
                event=EventFactory(discipline=disciplines[row % 2]),
                place=1 + row % 3,
                # 1:20:0x over 20 km, 3:45:0x over 50 km
                mark=(4_800_000, 13_500_000)[row % 2] + editor * 1000,
            )
            for row in range(2)
        ]
        for editor in range(4)
    ]
    clients = [editor_session(f"editor-{editor}") for editor in range(4)]
    answers = []

    def edit(client, own):
        try:
            for turn in range(5):
                for result in own:
                    answer = save_change(client, result, place=str(1 + (turn + result.pk) % 3))
                    answers.append(answer.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=pair) for pair in zip(clients, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [302] * 40
    for own in results:
        for result in own:
            assert Result.objects.get(pk=result.pk).place == 1 + (4 + result.pk) % 3
    assert_up_to_date()


def holds_writers_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND objid = %s",
            [ARCHIVE_WRITES_LOCK],
        )
        return cursor.fetchone()[0] > 0


def test_the_lock_is_held_from_the_first_write_to_the_end_of_the_transaction(reference_data):
    walker = AthleteFactory()
    with transaction.atomic():
        assert not holds_writers_lock()
        try:
            with transaction.atomic():
                walker.save()
                assert holds_writers_lock()
                raise RuntimeError("the editor's change is refused")
        except RuntimeError:
            pass
        walker.save()
        assert holds_writers_lock()
    assert not holds_writers_lock()
