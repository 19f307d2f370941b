"""Search that finds: word order, accents, capitals, scripts and aliases ignored."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from athletes.models import Alias, Athlete, SearchWord, Sex
from results.models import Result

from .factories import AthleteFactory
from .helpers import changelist_url, count_queries, page_text, paste_preview, paste_save


@pytest.fixture
def sanchez(reference_data):
    return AthleteFactory(
        slug="maria-guadalupe-sanchez",
        given_name="María Guadalupe",
        family_name="Sánchez",
        sex=Sex.WOMEN,
    )


def found_athletes(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [athlete.slug for athlete in response.context["athletes"]]


@pytest.mark.parametrize(
    "query", ["sanchez", "Sanchez Maria", "sánchez maría", "GUADALUPE SÁNCHEZ", "san guad"]
)
def test_any_order_accents_and_capitals_find_her(client, sanchez, query):
    assert found_athletes(client, query) == ["maria-guadalupe-sanchez"]


def test_every_word_must_match_a_word_of_the_name(client, sanchez, perez):
    assert found_athletes(client, "sanchez jefferson") == []
    assert found_athletes(client, "jefferson perez") == ["jefferson-perez"]


@pytest.mark.parametrize("query", ["Борчин", "БОРЧИН Валер", "borchin valery"])
def test_a_name_in_another_script_is_found_transliterated(client, perez, query):
    assert "valery-borchin" in found_athletes(client, query)


def test_a_name_stored_in_another_script_is_found_in_latin_letters(client, reference_data):
    AthleteFactory(slug="kostas-kenteris", given_name="Κωνσταντίνος", family_name="Κεντέρης")
    assert found_athletes(client, "konstantinos kenteris") == ["kostas-kenteris"]


def test_an_alias_is_found_and_forgotten_when_deleted(client, perez):
    borchin = Athlete.objects.get(slug="valery-borchin")
    alias = Alias.objects.create(athlete=borchin, name="Valeri Bortchine")
    assert found_athletes(client, "bortchine") == ["valery-borchin"]
    alias.delete()
    assert found_athletes(client, "bortchine") == []


def test_the_athletes_a_paste_creates_are_found_by_their_names(client, ana, final_2001):
    # A paste writes its new athletes' words once, after the last of them is saved.
    lines = "1. Ágata Marchadora (GUA) 1:30:00\n2. Walker McTester (GUA) 1:31:00"
    assert paste_save(ana, final_2001, paste_preview(ana, final_2001, lines)).status_code == 302
    assert found_athletes(client, "agata marchadora") == ["agata-marchadora"]
    assert found_athletes(client, "tester walker") == ["walker-mctester"]


def test_a_renamed_athlete_is_found_by_the_new_name_only(client, sanchez):
    sanchez.family_name = "Sánchez Rivera"
    sanchez.save()
    assert found_athletes(client, "rivera maria") == ["maria-guadalupe-sanchez"]
    sanchez.family_name = "Rivera"
    sanchez.save()
    assert found_athletes(client, "sanchez") == []
    assert set(SearchWord.objects.filter(athlete=sanchez).values_list("word", flat=True)) == {
        "maria",
        "guadalupe",
        "rivera",
    }


def test_a_near_miss_is_suggested(client, sanchez):
    response = client.get("/search/", {"q": "sanchex maria"})
    assert response.context["athletes"] == []
    assert "Did you mean sanchez maria ?" in page_text(response)
    assert found_athletes(client, response.context["suggestion"]) == ["maria-guadalupe-sanchez"]


def test_nothing_near_suggests_nothing(client, sanchez):
    response = client.get("/search/", {"q": "zzyzx"})
    assert response.context["suggestion"] is None
    assert "Nothing in the archive matches" in page_text(response)


def test_results_are_grouped_by_kind(client, perez):
    text = page_text(client.get("/search/", {"q": "atlanta"}))
    assert "Competitions" in text and "Olympic Games" in text


def test_competitions_are_found_by_words_in_any_order(client, perez):
    response = client.get("/search/", {"q": "atlanta olympic"})
    assert [c.year for c in response.context["competitions"]] == [1996]


def test_search_runs_the_same_queries_whatever_it_finds(client, perez, sanchez):
    def search(query):
        return lambda: client.get("/search/", {"q": query})

    assert count_queries(search("perez")) == count_queries(search("sanchez maria"))
    # A search that finds no athlete looks for a suggestion: one query more, whatever typed.
    assert count_queries(search("sanchex")) == count_queries(search("qqqqq walk 20 km"))


def test_the_directory_filter_finds_in_any_order_too(client, sanchez):
    text = page_text(client.get("/athletes/", {"q": "sanchez maria"}))
    assert "Sánchez" in text


def test_the_directory_filter_within_a_nation_finds_the_same(client, perez):
    within = page_text(client.get("/athletes/", {"q": "perez jeff", "country": "ECU"}))
    assert "1 athlete Name Nation Sex Born Pérez, Jefferson Ecuador" in within
    elsewhere = page_text(client.get("/athletes/", {"q": "perez jeff", "country": "MEX"}))
    assert "Pérez, Jefferson" not in elsewhere


# Names as real archives hold them: two family names, particles, apostrophes, hyphens,
# letters other languages write otherwise, family names first.
ARCHIVE_NAMES = [
    ("Jefferson", "Pérez Quezada"),
    ("Ana Gabriela", "Guevara"),
    ("Paula", "Radcliffe"),
    ("Sifan", "Hassan"),
    ("Haile", "Gebrselassie"),
    ("Kenenisa", "Bekele"),
    ("Ruth", "Chepng'etich"),
    ("Jean-Pierre", "Xavier"),
    ("Sydney", "McLaughlin-Levrone"),
    ("Jakob", "Ingebrigtsen"),
    ("Karsten", "Warholm"),
    ("Bjørn", "Ødegård"),
    ("Sindre", "Buraas"),
    ("Mohamed", "Farah"),
    ("Daniel", "Ñíguez"),
    ("Andrés", "Núñez"),
    ("Thomas", "Müller"),
    ("Karl", "Mueller"),
    ("Shiwen", "Ye"),
    ("Bingtian", "Su"),
    ("Robert", "Korzeniowski"),
    ("Femke", "van der Bol"),
    ("Juan", "de la Cruz"),
    ("Sean", "O'Brien"),
    ("Liam", "OBrien"),
]


@pytest.fixture
def archive_names(reference_data):
    athletes = {
        f"{given} {family}": AthleteFactory(
            slug=slugify(f"{given} {family}"), given_name=given, family_name=family
        )
        for given, family in ARCHIVE_NAMES
    }
    Alias.objects.create(athlete=athletes["Mohamed Farah"], name="Mo Farah")
    return athletes


@pytest.mark.parametrize(
    "query, slug",
    [
        ("perez quezada", "jefferson-perez-quezada"),
        ("Quezada", "jefferson-perez-quezada"),
        ("JEFFERSON   pérez", "jefferson-perez-quezada"),
        ("jeff quez", "jefferson-perez-quezada"),
        ("guevara ana gabriela", "ana-gabriela-guevara"),
        ("radcliffe", "paula-radcliffe"),
        ("mo farah", "mohamed-farah"),
        ("farah mohamed", "mohamed-farah"),
        ("ye shiwen", "shiwen-ye"),
        ("su bingtian", "bingtian-su"),
        ("korzeniowski", "robert-korzeniowski"),
        ("femke van der bol", "femke-van-der-bol"),
        ("bol femke", "femke-van-der-bol"),
        ("de la cruz", "juan-de-la-cruz"),
        ("mclaughlin", "sydney-mclaughlin-levrone"),
        ("levrone sydney", "sydney-mclaughlin-levrone"),
        ("McLaughlin-Levrone", "sydney-mclaughlin-levrone"),
        ("bjorn odegard", "bjrn-degard"),
        ("sindre buraas", "sindre-buraas"),
        ("ingebrigtsen", "jakob-ingebrigtsen"),
        ("warholm", "karsten-warholm"),
        # An apostrophe typed straight, curly or not at all; a hyphen typed, left out or
        # a space.
        ("Ruth Chepng'etich", "ruth-chepngetich"),
        ("ruth chepng’etich", "ruth-chepngetich"),
        ("chepngetich", "ruth-chepngetich"),
        ("Chepnget", "ruth-chepngetich"),
        ("jean-pierre", "jean-pierre-xavier"),
        ("jean pierre xavier", "jean-pierre-xavier"),
        ("jeanpierre", "jean-pierre-xavier"),
        ("mclaughlinlevrone", "sydney-mclaughlin-levrone"),
    ],
)
def test_a_name_as_readers_type_it_finds_the_athlete(client, archive_names, query, slug):
    assert found_athletes(client, query) == [slug]


@pytest.mark.parametrize("query", ["O'Brien", "o’brien", "obrien", "OBRIEN"])
def test_an_apostrophe_typed_or_not_finds_the_name_stored_with_or_without(
    client, archive_names, query
):
    assert set(found_athletes(client, query)) == {"liam-obrien", "sean-obrien"}


def test_an_apostrophe_typed_as_a_space_finds_the_name_stored_with_it(client, archive_names):
    assert found_athletes(client, "o brien") == ["sean-obrien"]


def test_an_accent_left_out_finds_the_name_but_another_letter_does_not(client, archive_names):
    assert found_athletes(client, "nunez") == ["andres-nunez"]
    assert found_athletes(client, "niguez") == ["daniel-niguez"]


def test_a_typo_in_a_family_name_is_suggested(client, archive_names):
    response = client.get("/search/", {"q": "gebreselassie"})
    assert response.context["suggestion"] == "gebrselassie"


def test_the_migration_indexes_the_joined_words_of_names_stored_before(client, archive_names):
    migration = importlib.import_module(
        "athletes.migrations.0008_search_words_as_readers_type_names"
    )
    SearchWord.objects.filter(word__in=["chepngetich", "obrien"]).delete()
    assert found_athletes(client, "chepngetich") == []
    migration.index_every_name_again(django_apps, None)
    assert found_athletes(client, "chepngetich") == ["ruth-chepngetich"]
    assert set(found_athletes(client, "obrien")) == {"liam-obrien", "sean-obrien"}
    assert found_athletes(client, "mo farah") == ["mohamed-farah"]


@pytest.mark.parametrize(
    "query", ["mc laughlin", "Mc Laughlin-Levrone", "laughlin", "sydney laughlin levrone"]
)
def test_a_name_with_a_capital_inside_is_found_by_its_parts(client, archive_names, query):
    # Readers type McLaughlin as two words as often as one, or only what follows the Mc.
    assert found_athletes(client, query) == ["sydney-mclaughlin-levrone"]


def test_the_migration_indexes_the_parts_of_names_stored_before(client, archive_names):
    migration = importlib.import_module(
        "athletes.migrations.0009_search_words_of_a_capital_inside_a_name"
    )
    SearchWord.objects.filter(word__in=["mc", "laughlin"]).delete()
    assert found_athletes(client, "mc laughlin") == []
    migration.index_names_with_a_capital_inside(django_apps, None)
    assert found_athletes(client, "mc laughlin") == ["sydney-mclaughlin-levrone"]
    assert found_athletes(client, "mclaughlin levrone") == ["sydney-mclaughlin-levrone"]
    assert found_athletes(client, "mo farah") == ["mohamed-farah"]


# Passports and entry lists write ä, ö, ü, ø and å as ae, oe, ue, oe and aa (ICAO 9303), and
# readers type a name so as often as with the letter itself, or without its accent.
@pytest.mark.parametrize(
    "query, slugs",
    [
        ("muller", ["thomas-muller"]),
        ("müller thomas", ["thomas-muller"]),
        ("mueller thomas", ["thomas-muller"]),
        ("mueller karl", ["karl-mueller"]),
        ("Müller Karl", ["karl-mueller"]),
        ("bjoern oedegaard", ["bjrn-degard"]),
        ("Ødegård", ["bjrn-degard"]),
    ],
)
def test_a_letter_typed_as_a_passport_spells_it_finds_the_name(client, archive_names, query, slugs):
    assert found_athletes(client, query) == slugs


def test_the_migration_indexes_the_passport_spelling_of_names_stored_before(client, archive_names):
    migration = importlib.import_module(
        "athletes.migrations.0008_search_words_as_readers_type_names"
    )
    SearchWord.objects.filter(word__in=["mueller", "bjoern"]).exclude(
        athlete__family_name="Mueller"
    ).delete()
    assert found_athletes(client, "mueller") == ["karl-mueller"]
    migration.index_every_name_again(django_apps, None)
    assert found_athletes(client, "mueller") == ["karl-mueller", "thomas-muller"]
    assert found_athletes(client, "bjoern") == ["bjrn-degard"]


def admin_found(client, query):
    response = client.get(changelist_url(Athlete), {"q": query})
    assert response.status_code == 200
    return sorted(athlete.slug for athlete in response.context["cl"].result_list)


@pytest.mark.parametrize(
    "query, slugs",
    [
        ("chepngetich", ["ruth-chepngetich"]),
        ("Chepng’etich ruth", ["ruth-chepngetich"]),
        ("jeanpierre", ["jean-pierre-xavier"]),
        ("mueller thomas", ["thomas-muller"]),
        ("quezada jefferson", ["jefferson-perez-quezada"]),
        ("MO FARAH", ["mohamed-farah"]),
        ("bol femke", ["femke-van-der-bol"]),
    ],
)
def test_the_admin_finds_an_athlete_as_the_public_search_does(
    editor_client, archive_names, query, slugs
):
    assert admin_found(editor_client, query) == slugs


def test_the_admin_finds_an_athlete_by_slug(editor_client, archive_names):
    assert admin_found(editor_client, "sydney-mclaughlin-levrone") == ["sydney-mclaughlin-levrone"]


def test_the_admin_search_reads_the_words_index_not_the_athletes(editor_client, archive_names):
    with CaptureQueriesContext(connection) as queries:
        admin_found(editor_client, "chepngetich")
    assert not [q["sql"] for q in queries if "LIKE" in q["sql"] and "athletes_athlete" in q["sql"]]


def test_the_directory_filter_finds_the_variants_within_a_nation_too(client, archive_names):
    karl = archive_names["Karl Mueller"]
    ruth = archive_names["Ruth Chepng'etich"]
    assert "Mueller, Karl" in page_text(
        client.get("/athletes/", {"q": "Müller", "country": karl.country.code})
    )
    assert "Chepng'etich, Ruth" in page_text(
        client.get("/athletes/", {"q": "chepngetich", "country": ruth.country.code})
    )
    assert "Chepng'etich, Ruth" in page_text(client.get("/athletes/", {"q": "chepngetich"}))


def test_the_athlete_picker_of_a_result_finds_the_variants(editor_client, archive_names):
    query = {"app_label": "results", "model_name": "result", "field_name": "athlete"}
    response = editor_client.get(reverse("admin:autocomplete"), {**query, "term": "mueller"})
    offered = [option["text"] for option in response.json()["results"]]
    assert len(offered) == 2 and all("Mueller" in o or "Müller" in o for o in offered)


@pytest.mark.parametrize("query", ["Pérez", "perez jefferson", "PÉREZ"])
def test_the_results_admin_finds_an_athletes_results_by_the_name_as_typed(
    editor_client, perez, query
):
    response = editor_client.get(changelist_url(Result), {"q": query})
    athletes = {result.athlete.slug for result in response.context["cl"].result_list}
    assert athletes == {"jefferson-perez"}


def test_the_results_admin_still_finds_results_by_competition(editor_client, perez):
    response = editor_client.get(changelist_url(Result), {"q": "Atlanta"})
    assert response.context["cl"].result_count > 0
