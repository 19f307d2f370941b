"""
The interface in English and Spanish: the browser's Accept-Language chooses, the header's
switcher overrides it with a cookie; every string of the templates and Python is in the
Spanish catalogue and translated; dates, numbers and the names of disciplines, championships
and nations read in the reader's language, while the archive's own data (athletes,
competitions, cities, biographies, sources) stays as it was written.
"""

import gettext as gnu_gettext
import html
import os
import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from athletes.models import Athlete, Country, Highlight, Sex, Source
from results import data_names
from results.bestmarks import recount
from results.models import Championship, Competition, Discipline, Result

from .factories import AthleteFactory, ResultFactory
from .helpers import change_url, page_html, paste_url, save_change

CATALOGUE = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SPANISH = {"Accept-Language": "es"}
PROFILE = "/athletes/jefferson-perez/"
# What the reader's interface is made of; the pages of test 2 below.
PAGES_IN_SPANISH = {
    "athlete": PROFILE,
    "home": "/",
    "event": "/competitions/world-championships-2007/20KW/m/final/",
    "all-time list": "/disciplines/20KW/",
    "medal table": "/medals/",
}
# Words of English that no Spanish sentence has: a string nobody marked for translation.
ENGLISH_WORDS = {"the", "and", "of", "with", "for", "by", "to", "is", "are", "from", "in"}


def entry_key(entry):
    return (entry.msgctxt or "", entry.msgid)


def describe(entry):
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{context}{entry.msgid!r} ({where})"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


# 1. Every string translated, and the catalogue up to date with the sources ----------------


def test_every_string_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [describe(entry) for entry in catalogue.untranslated_entries()]
    # A plural entry needs each of its forms.
    untranslated += [
        describe(entry)
        for entry in catalogue.translated_entries()
        if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]
    fuzzy = [describe(entry) for entry in catalogue.fuzzy_entries()]
    if catalogue.metadata_is_fuzzy:
        fuzzy.append("the catalogue's header")
    assert not untranslated, "Translate into Spanish:\n" + "\n".join(untranslated)
    assert not fuzzy, "Check and unmark these fuzzy translations:\n" + "\n".join(fuzzy)


def test_translations_keep_every_placeholder(catalogue):
    """A translation that loses or renames `%(name)s` breaks the page that formats it."""
    placeholder = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|\{\w*\}")
    wrong = []
    for entry in catalogue.translated_entries():
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        expected = set().union(*(placeholder.findall(text) for text in sources))
        translations = list(entry.msgstr_plural.values()) or [entry.msgstr]
        for text in translations:
            # A singular may leave its count implicit ("a minute" for 1), never add one.
            if not set(placeholder.findall(text)) <= expected or (
                not entry.msgid_plural and set(placeholder.findall(text)) != expected
            ):
                wrong.append(f"{describe(entry)} -> {text!r}")
    assert not wrong, "Placeholders differ from the English:\n" + "\n".join(wrong)


# The folders `make messages` reads (see MESSAGES_IGNORE in the Makefile): the project less
# its virtualenv, tests, data and tools.
NOT_SOURCES = {
    ".git",
    ".venv",
    "node_modules",
    "var",
    "tests",
    "test-artifacts",
    "docs",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
}


def test_the_catalogue_holds_every_string_of_the_templates_and_python(catalogue, tmp_path):
    """`makemessages` run on a copy of the sources finds no string the catalogue lacks."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is not installed: .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) is not installed: apt-get install gettext")
    copy = tmp_path / "project"

    def ignored(folder, names):
        return {
            name
            for name in names
            if name in NOT_SOURCES or name.endswith((".egg-info", ".mo", ".pyc"))
        }

    shutil.copytree(settings.BASE_DIR, copy, ignore=ignored)
    environment = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "archive.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    extracted = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    ours = {entry_key(entry) for entry in catalogue if not entry.obsolete}
    theirs = {entry_key(entry): entry for entry in extracted if not entry.obsolete}
    missing = [describe(theirs[key]) for key in sorted(theirs.keys() - ours)]
    stale = sorted(repr(msgid) for context, msgid in ours - theirs.keys())
    assert not missing, (
        "Strings in the sources that the Spanish catalogue lacks: run `make messages`, "
        "then translate them in locale/es/LC_MESSAGES/django.po:\n" + "\n".join(missing)
    )
    assert not stale, "Strings no source uses any more: run `make messages`:\n" + "\n".join(stale)


def test_the_compiled_catalogue_is_newer_than_its_source():
    assert COMPILED.exists() and COMPILED.stat().st_mtime >= CATALOGUE.stat().st_mtime, (
        "locale/es/LC_MESSAGES/django.mo is missing or older than django.po: run `make setup`"
    )


def test_the_pure_python_fallback_compiles_a_catalogue_django_reads(tmp_path):
    """Where Debian's msgfmt is missing, the Makefile compiles with polib: the same result."""
    compiled = tmp_path / "django.mo"
    polib.pofile(str(CATALOGUE)).save_as_mofile(str(compiled))
    with compiled.open("rb") as file:
        spanish = gnu_gettext.GNUTranslations(file)
    assert spanish.gettext("Personal bests") == "Mejores marcas personales"
    assert spanish.pgettext("event title", "Men's %(discipline)s") == "%(discipline)s masculino"
    assert spanish.ngettext("%(total)s athlete", "%(total)s athletes", 2) == "%(total)s atletas"


# The names of the reference data --------------------------------------------------------


def test_the_data_names_module_lists_every_name_of_the_reference_fixtures():
    """`results/data_names.py` is generated: a fixture's new name must be listed to be
    translated (`python -m results.data_names --write` lists it)."""
    source = (settings.BASE_DIR / "results" / "data_names.py").read_text(encoding="utf-8")
    assert data_names.generated_lists() in source, (
        "results/data_names.py is out of date with the fixtures: "
        "run `.venv/bin/python -m results.data_names --write`, then `make messages`"
    )
    for variable, filename in data_names.SOURCES.items():
        assert getattr(data_names, variable) == data_names.fixture_names(filename)


def test_every_name_of_the_reference_data_has_a_spanish_translation(catalogue):
    translated = {entry.msgid for entry in catalogue.translated_entries()}
    names = [
        name
        for filename in data_names.SOURCES.values()
        for name in data_names.fixture_names(filename)
    ]
    assert names and [name for name in names if name not in translated] == []


@pytest.mark.django_db
def test_labels_are_in_the_readers_language_and_unknown_names_stay_as_stored(reference_data):
    walk = Discipline.objects.get(code="20KW")
    olympics = Championship.objects.get(slug="olympic-games")
    poland = Country.objects.get(code="POL")
    with translation.override("es"):
        assert (walk.label, olympics.label, poland.label) == (
            "20 km marcha",
            "Juegos Olímpicos",
            "Polonia",
        )
        assert str(poland) == "Polonia (POL)"
        assert Discipline(name="Mile").label == "Mile"
    with translation.override("en"):
        assert (walk.label, olympics.label, str(poland)) == (
            "20 km race walk",
            "Olympic Games",
            "Poland (POL)",
        )


# 2. Spanish pages with no English left in their interface --------------------------------


def interface_text(response):
    """
    What a reader gets of the page: its visible text, and the words it gives in attributes
    (accessible names, image descriptions, placeholders, hover titles, its description).
    Scripts (the page's JSON-LD for search engines) are not read.
    """
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = [
        value
        for value in re.findall(r'\b(?:aria-label|alt|placeholder|title|content)="([^"]*)"', page)
        if not value.startswith(("http", "/"))  # addresses (og:url), not words
    ]
    text = re.sub(r"<[^>]+>", " ", page)
    return fold(" ".join([text, *attributes]))


def fold(text):
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def archive_data():
    """Everything the pages print as it was written: names, places, stories and sources."""
    texts = []
    for athlete in Athlete.objects.all():
        texts += [athlete.name, athlete.given_name, athlete.family_name, athlete.birthplace]
        texts += [athlete.photo_credit, *athlete.biography_paragraphs]
        texts += [alias.name for alias in athlete.aliases.all()]
    for highlight in Highlight.objects.all():
        texts += [highlight.title, *highlight.text.split("\n")]
    for competition in Competition.objects.all():
        texts += [competition.name, competition.city]
    for source in Source.objects.all():
        texts += [source.title, source.publisher, source.note]
    texts += list(Result.objects.exclude(note="").values_list("note", flat=True))
    return sorted({fold(text) for text in texts if text and text.strip()}, key=len, reverse=True)


def without_data(text, data):
    for written in data:
        text = text.replace(written, " ")
    return fold(text)


def english_phrases(catalogue):
    """
    The English of the interface: the words of each message between its placeholders,
    where its Spanish differs ("Final", "Total", "Ecuador" read the same in both).
    """
    placeholder = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|\{\w*\}|<[^>]+>|&\w+;")
    phrases = set()
    for entry in catalogue.translated_entries():
        translations = list(entry.msgstr_plural.values()) or [entry.msgstr]
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            if english in translations:
                continue
            for part in placeholder.split(english):
                part = part.strip(" .,:;()–-“”\"'…?!·/")
                # Single letters and units ("m", "v", "km/h") are not words of a language.
                if len(re.findall(r"[A-Za-z]", part)) >= 3:
                    phrases.add(part)
    return phrases


@pytest.mark.parametrize("page", PAGES_IN_SPANISH)
def test_a_page_in_spanish_has_no_english_left_in_its_interface(client, perez, catalogue, page):
    response = client.get(PAGES_IN_SPANISH[page], headers=SPANISH)
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()
    text = without_data(interface_text(response), archive_data())
    english = sorted(
        phrase
        for phrase in english_phrases(catalogue)
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    )
    assert english == [], f"English left on the Spanish {page} page"
    words = set(re.findall(r"[^\W\d_]+", text))  # as written: "AND" is Andorra
    assert words & ENGLISH_WORDS == set(), f"Untranslated English on the Spanish {page} page"


def test_the_check_finds_english_when_it_is_there(client, perez, catalogue):
    """The check above can fail: the same page in English is full of the interface's words."""
    response = client.get(PAGES_IN_SPANISH["athlete"], headers={"Accept-Language": "en"})
    text = without_data(interface_text(response), archive_data())
    found = {phrase for phrase in english_phrases(catalogue) if phrase in text}
    assert {"Personal bests", "Date of birth", "Rivals", "Sources"} <= found


# 3. The language switcher ---------------------------------------------------------------


def test_the_header_offers_each_language_and_marks_the_current_one(client, perez):
    page = client.get(PROFILE, headers=SPANISH).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S).group(0)
    assert 'aria-label="Idioma"' in switcher
    links = re.findall(r"<a [^>]*>[^<]*</a>", switcher)
    assert len(links) == 2
    english, spanish = links
    assert 'href="/language/en/?next=/athletes/jefferson-perez/"' in english
    assert 'lang="en" hreflang="en" rel="nofollow"' in english and ">English<" in english
    assert 'hreflang="es"' in spanish and ">Español<" in spanish
    assert 'aria-current="true"' in spanish and "aria-current" not in english


def test_the_switcher_remembers_the_choice_and_the_next_page_is_in_it(client, perez):
    response = client.get(reverse("language", args=["es"]), {"next": PROFILE})
    assert response.status_code == 302 and response["Location"] == PROFILE
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert "no-cache" in response["Cache-Control"]
    # No Accept-Language at all: the cookie alone makes the next page Spanish.
    page = client.get(PROFILE).content.decode()
    assert '<html lang="es">' in page and "Mejores marcas personales" in page
    # And back to English, whatever the browser asks for.
    client.get(reverse("language", args=["en"]), {"next": PROFILE})
    page = client.get(PROFILE, headers=SPANISH).content.decode()
    assert '<html lang="en">' in page and "Personal bests" in page


def test_without_a_choice_the_browser_language_decides(client, perez):
    spanish = client.get(PROFILE, headers={"Accept-Language": "es-EC,es;q=0.9,en;q=0.5"})
    english = client.get(PROFILE, headers={"Accept-Language": "de-DE,en;q=0.8"})
    assert "Mejores marcas personales" in spanish.content.decode()
    assert "Personal bests" in english.content.decode()
    assert "Accept-Language" in spanish["Vary"]


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/athletes/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switcher_never_sends_the_reader_to_another_site(client, next_url):
    response = client.get(reverse("language", args=["es"]), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_an_unknown_language_is_not_found_and_sets_nothing(client, perez):
    for code in ("fr", "xx", "es-zz"):
        response = client.get(f"/language/{code}/", {"next": PROFILE})
        assert response.status_code == 404
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_answers_links_only(client):
    response = client.post(reverse("language", args=["es"]), {"next": "/"})
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# 4. Biographies as written ---------------------------------------------------------------


def test_a_biography_is_shown_as_written_in_either_language(client, perez):
    written_in_spanish = AthleteFactory(
        given_name="Rolanda",
        family_name="Saquipaya",
        slug="rolanda-saquipaya",
        sex=Sex.WOMEN,
        country=Country.objects.get(code="ECU"),
        biography="Marchista cuencana, formada en el parque de la ciudad.\n\n"
        "Ganó su primera carrera a los 14 años.",
    )
    spanish_profile = page_html(client.get(PROFILE, headers=SPANISH))
    assert perez.biography_paragraphs
    for paragraph in perez.biography_paragraphs:
        assert f"<p>{paragraph}</p>" in spanish_profile
    assert "Biografía" in spanish_profile
    english_profile = page_html(
        client.get(written_in_spanish.get_absolute_url(), headers={"Accept-Language": "en"})
    )
    assert "<p>Marchista cuencana, formada en el parque de la ciudad.</p>" in english_profile
    assert "<p>Ganó su primera carrera a los 14 años.</p>" in english_profile
    assert "Biography" in english_profile


# 5. Dates, numbers and names in the reader's language ------------------------------------


def test_dates_and_names_of_disciplines_and_championships_read_in_spanish(client, perez):
    profile = fold(client.get(PROFILE, headers=SPANISH).content.decode())
    assert "1 de julio de 1974" in profile  # date of birth
    assert "21 de septiembre de 2008" in profile  # last competition
    assert "21 sep 2008" in profile  # a result's day, short
    assert ">20 km marcha</a>" in profile  # a discipline
    assert ">Juegos Olímpicos</a>" in profile  # a championship, in the medal table
    competition = fold(
        client.get("/competitions/olympic-games-1996/", headers=SPANISH).content.decode()
    )
    assert ">20 km marcha masculino</a>" in competition  # an event's title
    assert "26 de julio de 1996" in competition
    assert ">Estados Unidos</a>" in competition  # a nation
    english = fold(client.get(PROFILE, headers={"Accept-Language": "en"}).content.decode())
    assert "1 July 1974" in english and ">20 km race walk</a>" in english


def test_a_nations_page_and_its_files_are_titled_with_its_name_in_the_readers_language(
    client, perez
):
    page = html.unescape(client.get("/countries/USA/", headers=SPANISH).content.decode())
    assert "<h2>Atletas de Estados Unidos</h2>" in page
    for table in ("athletes", "championships"):
        url = f"/countries/USA/?format=json&table={table}"
        assert client.get(url, headers=SPANISH).json()["title"] == "Estados Unidos: medallas"
    list_file = client.get("/disciplines/20KW/?format=json", headers=SPANISH).json()
    assert list_file["title"].startswith("20 km marcha")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("españa", "/countries/ESP/"),
        ("ESPANA", "/countries/ESP/"),
        ("unidos estados", "/countries/USA/"),
        ("spain", "/countries/ESP/"),  # the name as stored finds it too
        ("ESP", "/countries/ESP/"),
        ("20 km marcha", "/disciplines/20KW/"),
        ("marcha 20", "/disciplines/20KW/"),
    ],
)
def test_search_finds_nations_and_disciplines_by_the_names_the_reader_sees(
    client, perez, query, found
):
    page = client.get("/search/", {"q": query}, headers=SPANISH).content.decode()
    assert f'href="{found}"' in page


def test_the_nation_filter_lists_nations_by_their_name_in_the_readers_language(client, perez):
    def nations(headers):
        page = client.get("/disciplines/20KW/", headers=headers).content.decode()
        return re.findall(r'<option value="([A-Z]{3})"', page)

    spanish, english = nations(SPANISH), nations({"Accept-Language": "en"})
    assert sorted(spanish) == sorted(english) and len(spanish) > 100
    # Alemania, Ecuador, España, Francia; Ecuador, France, Germany, Spain.
    assert spanish.index("GER") < spanish.index("ECU") < spanish.index("ESP") < spanish.index("FRA")
    assert english.index("ECU") < english.index("FRA") < english.index("GER") < english.index("ESP")


def test_the_nations_page_lists_them_in_the_readers_languages_order(client, reference_data):
    for code in ("ECU", "GER", "ESP", "FRA"):
        AthleteFactory(country=Country.objects.get(code=code))

    def nations(headers):
        page = client.get("/countries/", headers=headers).content.decode()
        listed = page[page.index('<ul class="card-list') :]
        return re.findall(r'href="/countries/([A-Z]{3})/"', listed)

    assert nations(SPANISH) == ["GER", "ECU", "ESP", "FRA"]
    assert nations({"Accept-Language": "en"}) == ["ECU", "FRA", "GER", "ESP"]


def test_marks_stay_as_statisticians_write_them_and_speeds_are_localised(client, perez):
    spanish = fold(client.get(PROFILE, headers=SPANISH).content.decode())
    english = fold(client.get(PROFILE, headers={"Accept-Language": "en"}).content.decode())
    assert "1:17:21" in spanish and "1:17:21" in english
    assert "15,514 km/h" in spanish and "15.514 km/h" in english


@pytest.mark.django_db
def test_counts_are_grouped_as_each_language_writes_them(client, reference_data):
    ecuador = Country.objects.get(code="ECU")
    Athlete.objects.bulk_create(
        Athlete(
            slug=f"walker-{n}",
            given_name="Walker",
            family_name=f"N{n}",
            sex=Sex.MEN,
            country=ecuador,
        )
        for n in range(1234)
    )
    recount()  # bulk_create sends no signal: the directory's kept length is counted again
    spanish = client.get("/athletes/", headers=SPANISH).content.decode()
    english = client.get("/athletes/", headers={"Accept-Language": "en"}).content.decode()
    # Spanish groups thousands with a (non-breaking) space, as the RAE and Django write it.
    assert "1\xa0234 atletas" in spanish
    assert "1,234 athletes" in english


# 6. The page cache keeps the languages apart ----------------------------------------------


def test_the_page_cache_keeps_spanish_and_english_apart(settings, perez):
    settings.PAGE_CACHE = True
    reader = Client()
    first_spanish = reader.get(PROFILE, headers=SPANISH)
    first_english = reader.get(PROFILE, headers={"Accept-Language": "en"})
    with CaptureQueriesContext(connection) as queries:
        spanish = reader.get(PROFILE, headers=SPANISH)
        english = reader.get(PROFILE, headers={"Accept-Language": "en"})
    assert len(queries) == 2  # the archive's version, once a page: both from the cache
    assert spanish.content == first_spanish.content and "Mejores marcas" in spanish.content.decode()
    assert english.content == first_english.content and "Personal bests" in english.content.decode()
    assert spanish["ETag"] != english["ETag"]
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in spanish["Vary"].split(",")}
    # A reader who chose Spanish with the switcher gets the Spanish page, whatever the browser.
    chooser = Client()
    chooser.get(reverse("language", args=["es"]), {"next": PROFILE})
    chosen = chooser.get(PROFILE, headers={"Accept-Language": "en"})
    assert chosen.content == first_spanish.content


def test_nations_tied_in_a_medal_table_follow_the_readers_languages_order(client, reference_data):
    for code in ("GER", "ECU"):
        ResultFactory(athlete=AthleteFactory(country=Country.objects.get(code=code)), place=1)

    def tied_nations(headers):
        page = client.get("/medals/", headers=headers).content.decode()
        by_nation = page[page.index('<table class="medal-table"') :]
        return re.findall(
            r'href="/countries/([A-Z]{3})/"', by_nation[: by_nation.index("</table>")]
        )

    # One gold each: Alemania before Ecuador, Ecuador before Germany.
    assert tied_nations(SPANISH) == ["GER", "ECU"]
    assert tied_nations({"Accept-Language": "en"}) == ["ECU", "GER"]


# 7. The admin in Spanish ----------------------------------------------------------------


def test_the_paste_screen_names_the_discipline_in_the_editors_language(ana, final_2001):
    page = page_html(ana.get(paste_url(final_2001), headers=SPANISH))
    assert "Las marcas se leen para la prueba 20 km marcha." in page
    assert "race walk" not in page


def test_the_admins_delete_link_is_the_verb_not_a_kind_of_revision(ana, final_2001):
    page = page_html(ana.get(change_url(final_2001), headers=SPANISH))
    delete_link = re.search(r'<a [^>]*class="deletelink"[^>]*>([^<]*)</a>', page).group(1)
    assert delete_link == "Eliminar"


def test_a_revision_is_named_in_the_editors_language(ana, final_2001):
    save_change(ana, final_2001, video_url="https://example.org/race")
    url = reverse("admin:results_event_history", args=[final_2001.pk])
    page = page_html(ana.get(url, headers=SPANISH))
    assert re.search(r">Edición por ana, \d{4}-\d\d-\d\d \d\d:\d\d</a>", page)
