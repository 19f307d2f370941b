"""
A new athlete arrives as one JSON file with natural keys: it loads into any archive, merges
with what is there (an empty value never blanks a stored one, a different value is a
conflict), loads in any order, and a broken file loads nothing and says what and where.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from athletes.models import Athlete, Country
from results.models import Competition, Event, Result

from .conftest import PEREZ_FIXTURE
from .factories import ResultFactory
from .helpers import (
    archive_models,
    delete_all_but_reference_data,
    export_athlete,
    load,
    row_counts,
)

pytestmark = pytest.mark.django_db

RIVAL_FIXTURE = Path(__file__).parent / "data" / "rival-fernandez.json"
PARIS = ["world-championships-2003", "20KW", "M", "final"]
PEREZ = ["jefferson-perez"]


def refused(*fixtures, **options):
    """The message of a load that must fail, having written nothing."""
    before = row_counts()
    with pytest.raises(CommandError) as raised:
        load(*fixtures, **options)
    assert row_counts() == before, "a refused load wrote rows"
    return str(raised.value)


def edited(tmp_path, source, change, name="edited.json"):
    """A copy of the fixture `source` with `change(entries)` applied."""
    entries = json.loads(Path(source).read_text())
    change(entries)
    path = tmp_path / name
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=1))
    return path


def entry(entries, model, **fields):
    """The first object of `model` whose fields include `fields`."""
    return next(
        e["fields"]
        for e in entries
        if e["model"] == model and all(e["fields"].get(k) == v for k, v in fields.items())
    )


def test_every_fixture_uses_natural_keys_only():
    for path in [
        *settings.FIXTURE_DIRS[0].glob("*.json"),
        *settings.ATHLETE_FIXTURES_DIR.glob("*.json"),
    ]:
        for item in json.loads(path.read_text()):
            assert "pk" not in item, f"{path.name}: {item['model']} has a numeric pk"


def test_perez_loads_beside_the_reference_data_alone_and_again_without_change(reference_data):
    load(PEREZ_FIXTURE)
    first = row_counts()
    load(PEREZ_FIXTURE)
    assert row_counts() == first
    assert Result.objects.filter(athlete__slug="jefferson-perez").count() == 23


def test_perez_loads_beside_other_athletes_and_shares_their_rows(reference_data):
    others = ResultFactory.create_batch(5)
    load(PEREZ_FIXTURE)
    assert all(Result.objects.filter(pk=result.pk).exists() for result in others)
    assert Competition.objects.filter(slug="olympic-games-1996").count() == 1


def test_every_loaded_row_passes_full_validation(perez):
    checked, invalid = 0, {}
    for model in archive_models():
        if not model._meta.auto_created:
            for row in model.objects.all():
                checked += 1
                try:
                    row.full_clean()
                except ValidationError as error:
                    invalid[f"{model._meta.label} {row}"] = error.messages
    # What an editor would meet saving the row unchanged in the admin: no error at all.
    assert not invalid, invalid
    assert checked >= Result.objects.count() > 0


# Merging ---------------------------------------------------------------------------------


def test_a_full_file_loaded_after_a_rival_file_keeps_what_the_rival_file_says(reference_data):
    load(RIVAL_FIXTURE)
    load(PEREZ_FIXTURE)

    fernandez = Athlete.objects.get(slug="francisco-javier-fernandez")
    assert str(fernandez.date_of_birth) == "1977-03-06"
    assert fernandez.birthplace == "Guadix"
    assert "Guadix" in fernandez.biography
    # Citations add up: both files cite their own source for him.
    assert set(fernandez.sources.values_list("slug", flat=True)) == {
        "test-rival-file-fernandez",
        "walker-page-jefferson-perez",
    }
    paris = Result.objects.get_by_natural_key(*PARIS, "francisco-javier-fernandez")
    assert paris.mark == 4_680_000
    assert paris.sources.count() == 2


@pytest.mark.parametrize("together", [False, True], ids=["one by one", "in one call"])
def test_files_load_in_any_order_to_the_same_archive(reference_data, tmp_path, together):
    def load_in(order):
        if together:
            load(*order)
        else:
            for path in order:
                load(path)
        exports = [
            export_athlete(slug, tmp_path / f"{slug}.json")
            for slug in ("jefferson-perez", "francisco-javier-fernandez")
        ]
        return row_counts(), exports

    rival_first = load_in([RIVAL_FIXTURE, PEREZ_FIXTURE])
    perez_page = export_page("jefferson-perez")
    delete_all_but_reference_data()

    perez_first = load_in([PEREZ_FIXTURE, RIVAL_FIXTURE])

    assert perez_first == rival_first
    assert export_page("jefferson-perez") == perez_page


def export_page(slug):
    """Pérez's public profile as served (the page is derived from what was loaded)."""
    from django.test import Client

    response = Client().get(f"/athletes/{slug}/")
    assert response.status_code == 200
    return response.content


def test_perez_profile_is_the_same_with_or_without_the_rival_file(reference_data):
    load(PEREZ_FIXTURE)
    alone = export_page("jefferson-perez")
    load(RIVAL_FIXTURE)
    assert export_page("jefferson-perez") == alone


def test_a_conflicting_value_is_refused_naming_file_key_field_and_both_values(
    reference_data, tmp_path
):
    load(RIVAL_FIXTURE)
    path = edited(
        tmp_path,
        RIVAL_FIXTURE,
        lambda e: entry(e, "athletes.athlete").update(date_of_birth="1977-03-07"),
    )

    message = refused(path)

    assert str(path) in message
    assert '["francisco-javier-fernandez"]' in message
    assert "date_of_birth" in message
    assert "1977-03-06" in message and "1977-03-07" in message
    assert str(Athlete.objects.get(slug="francisco-javier-fernandez").date_of_birth) == (
        "1977-03-06"
    )


def test_a_different_mark_for_a_stored_result_is_a_conflict(reference_data, tmp_path):
    load(PEREZ_FIXTURE)
    path = edited(
        tmp_path,
        RIVAL_FIXTURE,
        lambda e: entry(e, "results.result", event=PARIS).update(mark="1:18:09"),
    )

    message = refused(path)

    assert "mark" in message and "4680000" in message and "4689000" in message


@pytest.mark.parametrize(
    "stored, given, kept",
    [("WR OR", "OR WR", "WR OR"), ("", "CR WR CR", "WR CR")],
    ids=["the same tags in another order are no conflict", "once each in the archive's order"],
)
def test_record_tags_load_as_one_set_in_the_order_the_archive_keeps(
    perez, tmp_path, stored, given, kept
):
    paris = Result.objects.get_by_natural_key(*PARIS, "jefferson-perez")
    Result.objects.filter(pk=paris.pk).update(records=stored)
    history = paris.history.count()
    path = edited(
        tmp_path,
        PEREZ_FIXTURE,
        lambda e: entry(e, "results.result", event=PARIS, athlete=PEREZ).update(records=given),
    )

    load(path)

    paris.refresh_from_db()
    assert paris.records == kept
    # The same tags in another order are not written again.
    assert paris.history.count() == history + (stored != kept)


def test_update_lets_the_file_win_and_replaces_citations(reference_data, tmp_path):
    load(RIVAL_FIXTURE, PEREZ_FIXTURE)
    path = edited(
        tmp_path,
        RIVAL_FIXTURE,
        lambda e: entry(e, "athletes.athlete").update(date_of_birth="1977-03-07"),
    )

    load(path, update=True)

    fernandez = Athlete.objects.get(slug="francisco-javier-fernandez")
    assert str(fernandez.date_of_birth) == "1977-03-07"
    assert list(fernandez.sources.values_list("slug", flat=True)) == ["test-rival-file-fernandez"]


def test_two_files_of_one_call_that_disagree_are_refused(reference_data, tmp_path):
    path = edited(
        tmp_path,
        RIVAL_FIXTURE,
        lambda e: entry(e, "athletes.athlete").update(birthplace="Granada"),
    )

    message = refused(RIVAL_FIXTURE, path)

    assert f'{RIVAL_FIXTURE} has "Guadix", this file has "Granada"' in message


def test_two_files_of_one_call_that_disagree_are_refused_even_when_updating(
    reference_data, tmp_path
):
    # --update lets a file win over the archive; between two files of one call there is no
    # telling which is the newer source, and the order of the arguments must not decide.
    path = edited(
        tmp_path,
        RIVAL_FIXTURE,
        lambda e: entry(e, "athletes.athlete").update(birthplace="Granada"),
    )

    message = refused(RIVAL_FIXTURE, path, update=True)

    assert f'{RIVAL_FIXTURE} has "Guadix", this file has "Granada"' in message


def test_a_file_named_twice_in_one_call_loads_once(reference_data):
    load(RIVAL_FIXTURE, RIVAL_FIXTURE)

    assert Athlete.objects.filter(slug="francisco-javier-fernandez").exists()


def test_a_text_with_windows_line_endings_loads_again_without_change(reference_data, tmp_path):
    def windows(entries):
        athlete = entry(entries, "athletes.athlete")
        athlete["biography"] = athlete["biography"].replace("\n", "\r\n")

    path = edited(tmp_path, RIVAL_FIXTURE, windows)
    load(path)
    before = row_counts()

    load(path)

    assert row_counts() == before
    fernandez = Athlete.objects.get(slug="francisco-javier-fernandez")
    assert fernandez.biography.startswith("A race walker from Guadix.\n\nWorld silver")


def test_the_same_result_twice_in_a_file_is_refused(reference_data, tmp_path):
    def twice(entries):
        result = next(e for e in entries if e["model"] == "results.result")
        entries.append(json.loads(json.dumps(result)))
        entries[-1]["fields"]["mark"] = result["fields"]["mark"] + 36_000

    message = refused(edited(tmp_path, PEREZ_FIXTURE, twice))

    assert "appears twice in this file" in message


def test_the_shell_glob_of_every_fixture_loads_into_an_empty_archive(bare_database):
    paths = sorted(settings.FIXTURE_DIRS[0].glob("*.json")) + sorted(
        settings.ATHLETE_FIXTURES_DIR.glob("*.json")
    )
    assert paths[0].name == "barriers.json", "the shell puts barriers before disciplines"

    load(*paths)

    assert Athlete.objects.filter(slug="jefferson-perez").exists()


def test_load_archive_loads_reference_data_and_every_athlete(bare_database):
    call_command("load_archive", verbosity=0)
    assert Country.objects.filter(code="ECU").exists()
    atlanta = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    assert atlanta.video_url


def test_marks_may_be_written_as_sources_print_them(reference_data):
    load(RIVAL_FIXTURE)
    munich = Result.objects.get(athlete__slug="francisco-javier-fernandez", place=1)
    assert munich.mark == 4_717_000  # 1:18:37


# What is refused, and how it is said ------------------------------------------------------


def change_result(**fields):
    return lambda e: entry(e, "results.result", event=PARIS).update(**fields)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (change_result(mark="1:99:00"), "99"),
        (change_result(mark="1:32:75"), "75"),
        (change_result(mark="99:99"), "99"),
        (change_result(mark="1:18:0"), "write the seconds with two digits: 1:18:00?"),
        (
            change_result(mark="DNF", place=None),
            "mark: “DNF” is a status, not a mark: leave the mark empty and choose the status DNF",
        ),
        (change_result(mark=4_680_000.0), "a whole number in the discipline's unit"),
        (change_result(mark=4_680_005), "mark"),
        (change_result(mark=1_041_000), "too fast"),
        (change_result(place=99_999_999), "place"),
        (change_result(wind="21.0"), "wind: Ensure this value is less than or equal to 9.9"),
        (change_result(wind=True), "wind true: a number is expected."),
        (change_result(event=[PARIS]), "holds something other than texts and numbers"),
        (change_result(event={"slug": "x"}), "holds something other than texts and numbers"),
        (change_result(country=[["ECU"]]), "write the key as a list of texts and numbers"),
        (
            lambda e: entry(e, "athletes.athlete").update(date_of_birth=1977),
            'date_of_birth 1977: write a date as text, "2001-08-05".',
        ),
        (change_result(status="FINISHED"), "write one of OK (Finished), DNF (Did not finish)"),
        (change_result(status="DNF"), "Only a finished result has a place"),
        (
            lambda e: entry(e, "athletes.athlete").update(sex="F"),
            "write one of M (Men), W (Women)",
        ),
        (
            lambda e: entry(e, "results.competition", slug="european-championships-2002").update(
                country="GER"
            ),
            'country "GER": write the key as a list, ["GER"]',
        ),
        (
            lambda e: entry(e, "results.event", competition=PARIS[:1]).update(round="finals"),
            "write one of final (Final), semi (Semi-final)",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_file_object_and_field(
    reference_data, tmp_path, change, expected
):
    message = refused(edited(tmp_path, RIVAL_FIXTURE, change))
    assert expected in message
    assert "edited.json" in message
    assert "Traceback" not in message


def test_a_key_that_names_nothing_says_which_and_what_to_do(reference_data, tmp_path):
    def missing_competition(entries):
        entries[:] = [e for e in entries if e["fields"].get("slug") != "world-championships-2003"]

    message = refused(edited(tmp_path, RIVAL_FIXTURE, missing_competition))

    assert (
        'results.event ["world-championships-2003", "20KW", "M", "final"]: competition '
        '["world-championships-2003"]: this competition is neither in the archive nor in the '
        "files being loaded"
    ) in message
    assert "archive_keys" in message


def test_a_result_of_a_missing_event_is_told_of_the_event_not_of_its_mark(reference_data, tmp_path):
    def missing_event(entries):
        entries[:] = [e for e in entries if e["model"] != "results.event"]

    message = refused(edited(tmp_path, RIVAL_FIXTURE, missing_event))

    assert f"event {json.dumps(PARIS)}: this event is neither in the archive" in message
    # Its mark is read by the event's discipline: without the event it is not wrong.
    assert "mark" not in message


def test_a_missing_source_is_named(reference_data, tmp_path):
    message = refused(
        edited(
            tmp_path,
            RIVAL_FIXTURE,
            lambda e: entry(e, "athletes.athlete").update(sources=[["no-such-sheet"]]),
        )
    )
    assert 'sources ["no-such-sheet"]: this source is neither in the archive' in message


def test_a_json_syntax_error_gives_line_and_column_in_pythons_words(reference_data, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"model": "athletes.source", "fields": {"slug" "x"}}\n]\n')

    message = refused(path)

    assert f"{path}: line 2, column 50: Expecting ':' delimiter." in message
    assert "nothing was loaded" in message


SOURCE = '{"model": "athletes.source", "fields": {"slug": "x", "title": "X"}}'


# The slips of a fixture edited by hand, each said in plain words where it is.
@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            f"[\n  {SOURCE},\n]\n",
            "line 2, column 70: a comma after the last item, before the ']' of line 3: "
            "remove the comma.",
            id="trailing comma in a list",
        ),
        pytest.param(
            '[\n  {"model": "athletes.source", "fields": {"slug": "x",}}\n]\n',
            "line 2, column 54: a comma after the last field, before the '}' of line 2: "
            "remove the comma.",
            id="trailing comma in an object",
        ),
        pytest.param(
            f"[\n  {SOURCE}\n  {SOURCE}\n]\n",
            "line 3, column 3: a comma is missing between this object and the one before it: "
            "add one after the '}' of line 2, column 69.",
            id="missing comma between objects",
        ),
        pytest.param(
            '[{"model": "athletes.source"\n  "fields": {}}]',
            "line 2, column 3: a comma is missing between this field and the one before it: "
            "add one after the '\"' of line 1, column 28.",
            id="missing comma between fields",
        ),
        pytest.param(
            "[{'model': 'athletes.source', 'fields': {}}]",
            "line 1, column 3: single quotes (') where JSON takes double quotes (\") around "
            "keys and text.",
            id="single quotes around a key",
        ),
        pytest.param(
            '[{"model": \'athletes.source\', "fields": {}}]',
            "line 1, column 12: single quotes (')",
            id="single quotes around text",
        ),
        pytest.param(
            '[\n  {model: "athletes.source", "fields": {}}\n]',
            'line 2, column 4: the key model has no quotes: write "model".',
            id="unquoted key",
        ),
        pytest.param(
            f"[\n  {SOURCE}\n",
            "the file ends before the '[' of line 1 is closed: end it with ']'.",
            id="missing bracket at the end",
        ),
        pytest.param(
            '[\n  {"model": "athletes.source",\n   "fields": {"slug": "x"},\n',
            "the file ends before the '[' of line 1 and the '{' of line 2 are closed: end it "
            "with '}]', without the comma of line 3, column 27.",
            id="file cut short after a comma",
        ),
        pytest.param("", "the file is empty: a fixture is a JSON list of objects", id="empty"),
        pytest.param(" \n\n", "the file is empty", id="white space only"),
    ],
)
def test_a_slip_in_a_hand_edited_fixture_is_said_plainly(reference_data, tmp_path, text, said):
    path = tmp_path / "edited.json"
    path.write_text(text)

    message = refused(path)

    assert f"{path}: {said}" in message
    assert message.endswith("The file is not valid JSON; nothing was loaded.")
    assert "Expecting" not in message


def test_unknown_model_and_field_are_named(reference_data, tmp_path):
    path = tmp_path / "typos.json"
    path.write_text(
        json.dumps(
            [
                {"model": "results.resultat", "fields": {}},
                {"model": "athletes.source", "fields": {"slug": "s", "title": "t", "titel": "t"}},
            ]
        )
    )
    assert "unknown model 'results.resultat'" in refused(path)
    path.write_text(
        json.dumps([{"model": "athletes.source", "fields": {"slug": "s", "titel": "t"}}])
    )
    assert "athletes.source has no field 'titel'" in refused(path)


def test_rules_across_a_result_list_apply_to_fixtures(perez, tmp_path):
    def second_winner(entries):
        result = entry(entries, "results.result", event=PARIS)
        result.update(place=1, mark="1:18:00")

    message = refused(edited(tmp_path, RIVAL_FIXTURE, second_winner), update=True)

    assert "only equal marks can share a place" in message


def test_a_result_before_birth_is_refused(reference_data, tmp_path):
    message = refused(
        edited(
            tmp_path,
            RIVAL_FIXTURE,
            lambda e: entry(e, "athletes.athlete").update(date_of_birth="2004-01-01"),
        )
    )
    assert "before the athlete's birth" in message


def test_archive_keys_lists_what_a_fixture_can_name(perez):
    from io import StringIO

    out = StringIO()
    call_command("archive_keys", "events", search="2003", stdout=out)

    assert '["world-championships-2003", "20KW", "M", "final"]' in out.getvalue()
    out = StringIO()
    call_command("archive_keys", "athletes", search="PEREZ", stdout=out)
    assert out.getvalue().startswith('["jefferson-perez"]  Jefferson Pérez')


def test_an_export_with_marks_as_text_loads_back_to_the_same_integers(perez, tmp_path):
    path = tmp_path / "text.json"
    call_command("export_athlete", "jefferson-perez", output=str(path), marks="text")
    entries = json.loads(path.read_text())
    assert entry(entries, "results.result", event=PARIS, place=1)["mark"] == "1:17:21"
    before = export_athlete("jefferson-perez", tmp_path / "before.json")

    load(path)  # equal values: a merge that changes nothing

    assert export_athlete("jefferson-perez", tmp_path / "after.json") == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sex": "W"}, "This athlete does not compete in this event's sex."),
        ({"date_of_birth": "2004-01-01"}, "The event took place before the athlete's birth."),
        ({"retired_on": "2001-01-01"}, "The event took place after the athlete's retirement."),
    ],
)
def test_a_file_that_changes_a_stored_athlete_against_his_results_is_refused(
    perez, tmp_path, changes, message
):
    load(RIVAL_FIXTURE)

    def athlete_only(entries):
        entries[:] = [e for e in entries if e["model"] == "athletes.athlete"]
        entries[0]["fields"].update(changes)

    text = refused(edited(tmp_path, RIVAL_FIXTURE, athlete_only), update=True)

    assert "edited.json: athletes.athlete" in text and message in text
    assert "Francisco Javier Fernández – " in text  # the result it contradicts


def test_a_wind_written_as_a_json_number_is_read_as_written(perez, tmp_path):
    sprint = ["world-championships-2003", "100", "M", "final"]
    path = tmp_path / "sprinter.json"
    path.write_text(
        json.dumps(
            [
                {
                    "model": "athletes.athlete",
                    "fields": {
                        "slug": "a-sprinter",
                        "given_name": "A.",
                        "family_name": "Sprinter",
                        "sex": "M",
                        "country": ["FRA"],
                    },
                },
                {
                    "model": "results.event",
                    "fields": {"competition": sprint[:1], "discipline": ["100"], "sex": "M"},
                },
                {
                    "model": "results.result",
                    "fields": {"event": sprint, "athlete": ["a-sprinter"], "place": 1}
                    | {"country": ["FRA"], "mark": "10.02", "wind": 1.2},
                },
            ]
        )
    )
    load(RIVAL_FIXTURE, path)
    assert str(Result.objects.get_by_natural_key(*sprint, "a-sprinter").wind) == "1.2"


def one_result(tmp_path, code, sex="M", **fields):
    """A file of one athlete's result in `code` at the 2003 World Championships, and its key."""
    key = ["world-championships-2003", code, sex, "final"]
    path = tmp_path / f"{code.lower()}.json"
    athlete = {"slug": "a-finalist", "given_name": "A.", "family_name": "Finalist"}
    path.write_text(
        json.dumps(
            [
                {"model": "athletes.athlete", "fields": athlete | {"sex": sex, "country": ["FRA"]}},
                {
                    "model": "results.event",
                    "fields": {"competition": key[:1], "discipline": [code], "sex": sex},
                },
                {
                    "model": "results.result",
                    "fields": {"event": key, "athlete": ["a-finalist"], "place": 1}
                    | {"country": ["FRA"]}
                    | fields,
                },
            ],
            ensure_ascii=False,
        )
    )
    return path, [*key, "a-finalist"]


def test_a_hand_time_typed_with_its_letter_says_to_set_the_flag(perez, tmp_path):
    path, _key = one_result(tmp_path, "100", mark="10.1h")
    message = refused(path)
    assert "mark: “10.1h” is a hand time: type 10.1 as the mark and tick “hand timed”." in message


@pytest.mark.parametrize(
    ("wind", "stored"),
    [("+2,1", "2.1"), ("\u22120.4", "-0.4"), ("\u20130.4", "-0.4"), ("-0,3 m/s", "-0.3")],
)
def test_a_wind_is_read_as_the_admin_reads_it(perez, tmp_path, wind, stored):
    path, key = one_result(tmp_path, "100", mark="10.02", wind=wind)
    load(path)
    assert str(Result.objects.get_by_natural_key(*key).wind) == stored


@pytest.mark.parametrize(
    ("wind", "message"),
    [
        ("w", "“w” is not a wind reading: give the wind's figure (+2.4)"),
        ("NWI", "“NWI” is not a wind reading: leave the wind empty when no reading was taken."),
        ("calm", "“calm” is not a wind reading. Enter a number of metres per second"),
    ],
)
def test_a_wind_is_refused_as_the_admin_refuses_it(perez, tmp_path, wind, message):
    path, key = one_result(tmp_path, "100", mark="10.02", wind=wind)
    where = f"results.result {json.dumps(key, ensure_ascii=False)}"
    assert f"{where}: wind: {message}" in refused(path)


@pytest.mark.parametrize("mark", [104_800, "104.80", "104,80"])
def test_a_throw_of_100_m_or_more_loads(perez, tmp_path, mark):
    path, key = one_result(tmp_path, "JT", mark=mark)
    load(path)
    assert Result.objects.get_by_natural_key(*key).mark == 104_800


def test_a_throw_far_beyond_the_world_record_is_refused(perez, tmp_path):
    path, _key = one_result(tmp_path, "JT", mark=130_000)
    message = refused(path)
    assert "130.00 m is more than a fifth beyond the world record of 104.80 m" in message


def test_a_jump_far_short_of_any_mark_is_refused(perez, tmp_path):
    path, _key = one_result(tmp_path, "LJ", mark=10)
    message = refused(path)
    assert "0.01 m is under a twenty-fifth of the world record of 8.95 m" in message
    assert not Result.objects.filter(event__discipline__code="LJ", mark=10).exists()


def test_a_wind_where_none_is_read_is_refused(perez, tmp_path):
    message = refused(edited(tmp_path, RIVAL_FIXTURE, change_result(wind="1.5")))
    assert "wind: No wind is read in this discipline." in message


@pytest.mark.parametrize(
    ("encoding", "message"), [("latin-1", "is not UTF-8"), ("utf-8-sig", None)]
)
def test_a_file_in_another_encoding_is_refused_and_a_byte_order_mark_is_read(
    perez, tmp_path, encoding, message
):
    path = tmp_path / "encoded.json"
    path.write_text(RIVAL_FIXTURE.read_text(encoding="utf-8"), encoding=encoding)
    if message:
        assert message in refused(path)
    else:
        load(path)
        assert Athlete.objects.filter(slug="francisco-javier-fernandez").exists()


def test_updating_a_flag_back_to_its_default_is_written(perez, tmp_path):
    def indoor(value):
        def change(entries):
            entries[:] = [e for e in entries if e["model"] == "results.competition"][:1]
            entries[0]["fields"]["indoor"] = value

        return change

    load(edited(tmp_path, RIVAL_FIXTURE, indoor(True), name="indoor.json"), update=True)
    paris = Competition.objects.get(slug="world-championships-2003")
    assert paris.indoor

    # Merging, "false" is the flag left unsaid and keeps what is stored; updating, it wins.
    load(edited(tmp_path, RIVAL_FIXTURE, indoor(False), name="outdoor.json"))
    paris.refresh_from_db()
    assert paris.indoor
    load(edited(tmp_path, RIVAL_FIXTURE, indoor(False), name="outdoor.json"), update=True)
    paris.refresh_from_db()
    assert not paris.indoor


def test_the_operators_commands_refuse_what_they_cannot_do_in_words(perez, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "export_athlete", "jefferson-perez", output=str(tmp_path / "missing" / "x.json")
        )
    with pytest.raises(CommandError, match="not a whole number of at least 1"):
        call_command("archive_keys", "athletes", "--limit", "-1")
    from io import StringIO

    said = StringIO()
    call_command("archive_keys", "athletes", search="zzzz", stdout=StringIO(), stderr=said)
    assert "No athletes match “zzzz”." in said.getvalue()


def test_a_time_written_as_the_source_prints_it_keeps_its_decimals_through_an_export(
    perez, tmp_path
):
    path, key = one_result(tmp_path, "10000", mark="26:49.00")
    load(path)
    result = Result.objects.get_by_natural_key(*key)
    assert (result.mark, result.mark_display) == (1_609_000, "26:49.00")

    exported = json.loads(export_athlete("a-finalist", tmp_path / "exported.json"))
    fields = next(obj["fields"] for obj in exported if obj["model"] == "results.result")
    assert (fields["mark"], fields["decimals"]) == (1_609_000, 2)
    result.delete()
    load(tmp_path / "exported.json")
    assert Result.objects.get_by_natural_key(*key).mark_display == "26:49.00"


def test_a_time_to_fewer_decimals_that_is_not_the_finer_one_rounded_up_is_a_conflict(
    perez, tmp_path
):
    path, key = one_result(tmp_path, "10000", mark="26:48.37")
    load(path)
    (tmp_path / "other").mkdir()
    truncated, _key = one_result(tmp_path / "other", "10000", mark="26:48")

    message = refused(truncated)

    assert "mark" in message and "1608370" in message and "1608000" in message
    assert Result.objects.get_by_natural_key(*key).mark_display == "26:48.37"


@pytest.mark.parametrize("together", [False, True], ids=["archive", "same call"])
@pytest.mark.parametrize("finer_first", [True, False], ids=["finer first", "coarser first"])
def test_a_finer_time_that_agrees_is_taken_in_any_order(perez, tmp_path, together, finer_first):
    # Sources print one time to different precisions, rounding up as results are: a
    # statistician's 26:48.37 is a newspaper's 26:49. That is no conflict, whatever came
    # first, and the archive keeps the finer time.
    (tmp_path / "fine").mkdir()
    (tmp_path / "coarse").mkdir()
    fine, key = one_result(tmp_path / "fine", "10000", mark="26:48.37")
    coarse, _key = one_result(tmp_path / "coarse", "10000", mark="26:49")
    files = [fine, coarse] if finer_first else [coarse, fine]

    if together:
        load(*files)
    else:
        for path in files:
            load(path)

    result = Result.objects.get_by_natural_key(*key)
    assert (result.mark, result.mark_display) == (1_608_370, "26:48.37")
