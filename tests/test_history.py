"""
Editors lose no work: a save over a newer version is refused and shows what changed, every
change is in the history with its old and new values, and a revision (a save, a paste, a
merge, a delete with all it took) is undone in one action.
"""

import json
import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from athletes.models import Alias, Athlete, Source
from results.caching import current_version
from results.models import Competition, Event, Result
from revisions.context import revision
from revisions.models import ArchiveModel, Revision

from .conftest import PEREZ_FIXTURE
from .factories import (
    AthleteFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
    SourceFactory,
)
from .helpers import (
    action_page,
    change_url,
    changelist_url,
    confirm_delete,
    confirmation_form,
    editor_session,
    form_data,
    load,
    opened,
    page_html,
    paste_preview,
    paste_save,
    row_counts,
    save_change,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben(reference_data):
    return editor_session("ben")


def save(client, obj, data):
    """Save the change form of `obj` as the editor's browser holds it (`opened` earlier)."""
    return client.post(change_url(obj), {**data, "_continue": "Save"})


def errors_of(response):
    assert response.status_code == 200, "the save should have been refused"
    return " ".join(str(error) for error in response.context["errors"])


# Conflicts ---------------------------------------------------------------------------------


@pytest.fixture
def walker(reference_data):
    return AthleteFactory(given_name="Maria", family_name="Vasco", biography="Old story.")


@pytest.mark.parametrize("ben_changes", ["birthplace", "biography"], ids=["other", "same"])
def test_a_save_over_a_newer_version_is_refused_and_the_first_change_kept(
    ana, ben, walker, ben_changes
):
    ana_form, ben_form = opened(ana, walker), opened(ben, walker)

    assert save(ana, walker, {**ana_form, "biography": "Story by Ana."}).status_code == 302
    response = save(ben, walker, {**ben_form, ben_changes: "By Ben"})

    message = errors_of(response)
    assert "Since you opened this page, others changed" in message
    assert "ana" in message and "biography" in message and "Story by Ana." in message
    walker.refresh_from_db()
    assert walker.biography == "Story by Ana."
    assert walker.birthplace == ""
    # The form now holds Ana's biography and the rest of what Ben typed.
    again = form_data(response, form_id="athlete_form")
    assert again["biography"] == "Story by Ana."
    if ben_changes == "birthplace":
        assert again["birthplace"] == "By Ben"
        assert save(ben, walker, again).status_code == 302
        walker.refresh_from_db()
        assert (walker.biography, walker.birthplace) == ("Story by Ana.", "By Ben")


def test_a_form_opened_before_a_load_cited_a_source_is_refused_and_the_citation_kept(
    ana, walker, tmp_path
):
    ana_form = opened(ana, walker)
    cited = tmp_path / "citation.json"
    cited.write_text(
        json.dumps(
            [
                {"model": "athletes.source", "fields": {"slug": "almanac", "title": "Almanac"}},
                {
                    "model": "athletes.athlete",
                    "fields": {"slug": walker.slug, "sources": [["almanac"]]},
                },
            ]
        )
    )
    load(cited)

    response = save(ana, walker, {**ana_form, "biography": "By Ana."})

    message = errors_of(response)
    assert "Since you opened this page, others changed" in message and "Almanac" in message
    assert walker.sources.filter(slug="almanac").exists()


def test_a_conflict_on_a_result_says_so_and_finds_no_fault_in_its_mark(ana, ben, final):
    first = final.results.get(place=1)
    ana_form, ben_form = opened(ana, first), opened(ben, first)
    assert save(ana, first, {**ana_form, "note": "photo finish"}).status_code == 302

    response = save(ben, first, {**ben_form, "records": "CR"})

    message = errors_of(response)
    assert "Since you opened this page, others changed" in message
    assert "not a valid mark" not in message and "must be an integer" not in message
    first.refresh_from_db()
    assert (first.note, first.records) == ("photo finish", "")


def test_a_save_that_changed_nothing_does_not_refuse_what_another_editor_typed(ana, ben, walker):
    ana_form, ben_form = opened(ana, walker), opened(ben, walker)

    # Ana saves the page as she found it; Ben, who opened it before, then saves his story.
    assert save(ana, walker, ana_form).status_code == 302
    assert save(ben, walker, {**ben_form, "biography": "By Ben."}).status_code == 302

    walker.refresh_from_db()
    assert walker.biography == "By Ben."


@pytest.fixture
def final(reference_data):
    event = EventFactory()
    for place in (1, 2, 3):
        ResultFactory(event=event, place=place, mark=4_800_000 + place * 1000)
    return event


def row_index(data, result):
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(result.pk)
    )


def test_a_results_table_saved_over_a_newer_row_is_refused(ana, ben, final):
    first, second, _third = final.results.order_by("place")
    ana_form, ben_form = opened(ana, final), opened(ben, final)

    ana_form[f"results-{row_index(ana_form, first)}-note"] = "photo finish"
    assert save(ana, final, ana_form).status_code == 302
    ben_form[f"results-{row_index(ben_form, second)}-note"] = "fell at 15 km"
    response = save(ben, final, ben_form)

    assert "Since you opened this page, others changed" in errors_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.note, second.note) == ("photo finish", "")
    # Saved again from the refreshed form, Ben's note goes in and Ana's stays.
    assert save(ben, final, form_data(response, form_id="event_form")).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.note, second.note) == ("photo finish", "fell at 15 km")


def test_saves_of_different_objects_are_unaffected(ana, ben, reference_data):
    one, other = AthleteFactory(), AthleteFactory()
    ana_form, ben_form = opened(ana, one), opened(ben, other)
    assert save(ana, one, {**ana_form, "birthplace": "Quito"}).status_code == 302
    assert save(ben, other, {**ben_form, "birthplace": "Cuenca"}).status_code == 302
    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.birthplace, other.birthplace) == ("Quito", "Cuenca")


# History and undo --------------------------------------------------------------------------


def test_the_history_shows_who_changed_which_field_from_what_to_what(ana, walker):
    save_change(ana, walker, biography="New story.")

    response = ana.get(reverse("admin:athletes_athlete_history", args=[walker.pk]))

    text = response.content.decode()
    assert "ana" in text
    assert "biography: “Old story.” → “New story.”" in text


def test_a_name_changed_shows_as_the_name_not_as_what_is_folded_from_it(ana, walker):
    save_change(ana, walker, family_name="Vásquez")

    text = ana.get(reverse("admin:athletes_athlete_history", args=[walker.pk])).content.decode()
    assert "family name: “Vasco” → “Vásquez”" in text
    assert "vasquez" not in text


def test_a_history_of_many_pages_opens_a_page_asked_for_out_of_range_at_its_end(ana, walker):
    # Twenty-one saves: the newest twenty on the first page, the first save alone on the last.
    for number in range(1, 22):
        save_change(ana, walker, birthplace=f"Town {number}")
    url = reverse("admin:athletes_athlete_history", args=[walker.pk])

    for asked, shown, not_shown in [
        ("", "Town 21", "Town 1"),
        ("0", "Town 21", "Town 1"),
        ("-3", "Town 21", "Town 1"),
        ("junk", "Town 21", "Town 1"),
        ("99", "Town 1", "Town 21"),
    ]:
        response = ana.get(url, {"page": asked})
        assert response.status_code == 200
        text = response.content.decode()
        assert f"→ “{shown}”" in text, asked
        assert f"→ “{not_shown}”" not in text, asked


def test_the_recent_changes_page_lists_every_editors_revisions(ana, ben, walker):
    save_change(ana, walker, birthplace="Quito")
    response = ben.get(reverse("admin:revisions_revision_changelist"))
    assert response.status_code == 200
    assert "ana" in response.content.decode()


def undo(client, revision):
    return client.post(
        reverse("admin:revisions_revision_change", args=[revision.pk]), {"undo": "1"}
    )


def found(client, query):
    """The slugs of the athletes the site's search finds for `query`."""
    response = client.get("/search/", {"q": query})
    return [athlete.slug for athlete in response.context["athletes"]]


def undo_latest(client, kind):
    """Undo the latest revision, which must be of `kind`: the admin's answer."""
    revision = Revision.objects.latest("pk")
    assert revision.kind == kind
    return undo(client, revision)


def test_undoing_a_save_restores_the_old_values_and_can_itself_be_undone(ana, walker):
    save_change(ana, walker, biography="New story.")
    revision = Revision.objects.latest("pk")

    assert undo(ana, revision).status_code == 302

    walker.refresh_from_db()
    assert walker.biography == "Old story."
    undoing = Revision.objects.latest("pk")
    assert undoing.kind == Revision.Kind.UNDO
    undo(ana, undoing)
    walker.refresh_from_db()
    assert walker.biography == "New story."


def test_undoing_a_paste_removes_every_row_it_added(ana, perez):
    event = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    before = row_counts()
    preview = paste_preview(ana, event, "9. Nuevo Marchista (ECU) 1:25:00")
    assert paste_save(ana, event, preview).status_code == 302
    assert Athlete.objects.filter(family_name="Marchista").exists()

    assert undo_latest(ana, Revision.Kind.PASTE).status_code == 302

    assert row_counts() == before
    assert not Athlete.objects.filter(family_name="Marchista").exists()


def test_undoing_a_merge_brings_back_the_duplicate_and_its_results(ana, perez):
    duplicate = AthleteFactory(given_name="J.", family_name="Perez", country=perez.country)
    # A race of Pérez's years: a record of his takes no result from before his birth.
    event = EventFactory(competition=CompetitionFactory(year=2001))
    moved = ResultFactory(athlete=duplicate, event=event, place=2)
    before = row_counts()
    page = action_page(ana, "merge_athletes", perez, duplicate)
    confirmed = confirmation_form(page, "merge-form", keep=str(perez.pk))
    response = ana.post(changelist_url(Athlete), confirmed)
    assert response.status_code == 302
    assert not Athlete.objects.filter(pk=duplicate.pk).exists()

    assert undo_latest(ana, Revision.Kind.MERGE).status_code == 302

    assert row_counts() == before
    moved.refresh_from_db()
    assert moved.athlete_id == duplicate.pk
    assert not Alias.objects.filter(athlete=perez, name=duplicate.name).exists()


def test_undoing_a_merge_gives_the_duplicates_alias_back_to_search_as_its_own(ana, perez):
    duplicate = AthleteFactory(given_name="J.", family_name="Perez", country=perez.country)
    Alias.objects.create(athlete=duplicate, name="Marchador Andino")
    page = action_page(ana, "merge_athletes", perez, duplicate)
    confirmed = confirmation_form(page, "merge-form", keep=str(perez.pk))
    assert ana.post(changelist_url(Athlete), confirmed).status_code == 302
    assert found(ana, "marchador") == [perez.slug]

    assert undo_latest(ana, Revision.Kind.MERGE).status_code == 302

    # The alias went back to the duplicate, and Pérez is no longer found by it.
    assert found(ana, "marchador") == [duplicate.slug]


def test_undoing_a_delete_brings_back_every_row_it_took_with_its_citations(ana, perez):
    atlanta = Competition.objects.get(slug="olympic-games-1996")
    results = list(
        Result.objects.filter(event__competition=atlanta).values_list("pk", "mark", "place")
    )
    cited = Result.objects.filter(event__competition=atlanta, sources__isnull=False).count()
    before = row_counts()
    delete_url = reverse("admin:results_competition_delete", args=[atlanta.pk])
    confirmation = ana.get(delete_url)
    assert "Jefferson Pérez" in confirmation.content.decode(), "the results to go are listed"

    assert confirm_delete(ana, atlanta).status_code == 302
    assert not Result.objects.filter(pk__in=[pk for pk, *_rest in results]).exists()

    # The revision names each row it deleted, the results by their athlete and event.
    revision = Revision.objects.latest("pk")
    detail = ana.get(reverse("admin:revisions_revision_change", args=[revision.pk]))
    text = detail.content.decode()
    name = "Jefferson Pérez – Olympic Games Atlanta 1996 – Men&#x27;s 20 km race walk"
    assert f"result “{name}”" in text
    assert "“#" not in text

    assert undo_latest(ana, Revision.Kind.DELETE).status_code == 302

    assert row_counts() == before
    restored = Result.objects.filter(event__competition__slug="olympic-games-1996")
    assert sorted(restored.values_list("pk", "mark", "place")) == sorted(results)
    assert restored.filter(sources__isnull=False).count() == cited


def test_a_page_opened_before_a_delete_is_refused_after_the_undo_of_the_delete(ana, ben, walker):
    ana_form = opened(ana, walker)
    save_change(ben, walker, birthplace="Quito")
    assert confirm_delete(ben, walker).status_code == 302
    assert undo_latest(ben, Revision.Kind.DELETE).status_code == 302

    # Ana's page still holds the athlete as he was before Ben's change: refused, not saved.
    response = save(ana, walker, {**ana_form, "biography": "By Ana."})

    assert "Since you opened this page, others changed" in errors_of(response)
    walker.refresh_from_db()
    assert (walker.birthplace, walker.biography) == ("Quito", "Old story.")


def test_an_undo_that_would_bring_back_a_slug_taken_since_says_so_in_an_editors_words(ana, walker):
    assert confirm_delete(ana, walker).status_code == 302
    revision = Revision.objects.latest("pk")
    AthleteFactory(slug=walker.slug)

    response = undo(ana, revision)

    said = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "a row added since holds what a row it would bring back must hold alone" in said
    assert "constraint" not in said.lower() and "athletes_athlete" not in said
    assert not Athlete.objects.filter(pk=walker.pk).exists()


def test_an_undo_is_refused_when_a_row_changed_since(ana, ben, walker):
    save_change(ana, walker, biography="By Ana.")
    revision = Revision.objects.latest("pk")
    save_change(ben, walker, biography="By Ben.")

    response = undo(ana, revision)

    assert response.status_code == 302
    walker.refresh_from_db()
    assert walker.biography == "By Ben."
    message = [str(m) for m in response.wsgi_request._messages]
    assert any("was changed again since, by ben" in m for m in message)


def test_an_undo_that_would_delete_rows_added_since_under_a_row_it_added_is_refused(ana, perez):
    with revision(kind=Revision.Kind.EDIT, user=User.objects.get(username="ana")):
        competition = CompetitionFactory(year=2001)
    added = Revision.objects.latest("pk")
    # Another editor's race in that competition, added since.
    event = EventFactory(competition=competition)
    ResultFactory(event=event, athlete=perez, place=1, mark=4_800_000)

    response = undo(ana, added)

    said = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "A row this revision added is now used by others" in said
    assert str(event) in said
    assert Event.objects.filter(pk=event.pk, results__athlete=perez).exists()
    assert Revision.objects.get(pk=added.pk).undone_by is None


def test_undoing_a_results_delete_after_its_event_was_deleted_says_so(ana, ben, perez):
    result = perez.results.filter(place=1).select_related("event").first()
    event = result.event
    assert confirm_delete(ana, result).status_code == 302
    deleted = Revision.objects.latest("pk")
    assert confirm_delete(ben, event).status_code == 302

    response = undo(ana, deleted)

    assert response.status_code == 302
    said = " ".join(str(m) for m in response.wsgi_request._messages)
    assert f"its event “{event}” was deleted since, by ben" in said, said
    assert not Result.objects.filter(pk=result.pk).exists()
    assert Revision.objects.get(pk=deleted.pk).undone_by is None


# Safe deletes ------------------------------------------------------------------------------


def test_a_delete_lists_the_rows_editors_know_and_none_of_the_derived_tables(ana, perez):
    atlanta = Competition.objects.get(slug="olympic-games-1996")

    page = ana.get(reverse("admin:results_competition_delete", args=[atlanta.pk]))

    text = page.content.decode()
    assert "Jefferson Pérez" in text and "Result: " in text
    for unseen in (
        "Best mark",
        "Listed mark",
        "Medal: ",
        "medal tally",
        "relationship",
        "Search word",
    ):
        assert unseen not in text, unseen


def test_an_edition_with_results_is_not_deleted_from_its_championships_page(ana, perez):
    championship = Competition.objects.get(slug="olympic-games-1996").championship
    data = opened(ana, championship)
    assert not any(key.endswith("-DELETE") for key in data), "no delete box on editions"

    response = ana.get(
        reverse("admin:results_competition_delete", args=[championship.editions.first().pk])
    )
    assert response.status_code == 200, "deleting goes through the confirmation page"


def test_a_cited_source_is_protected_and_its_citations_listed(ana, perez):
    source = Source.objects.get(slug="walker-page-jefferson-perez")
    response = ana.get(reverse("admin:athletes_source_delete", args=[source.pk]))
    text = response.content.decode()
    assert "cites" in text and "Jefferson Pérez" in text
    ana.post(reverse("admin:athletes_source_delete", args=[source.pk]), {"post": "yes"})
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_uncited_source_is_deleted_after_confirmation(ana):
    source = SourceFactory()
    assert confirm_delete(ana, source).status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()


# Long sheets -------------------------------------------------------------------------------


def test_a_forged_form_count_is_refused_fast(ana, final):
    data = opened(ana, final)
    data["results-TOTAL_FORMS"] = "100000"
    started = time.perf_counter()
    response = save(ana, final, data)
    assert response.status_code == 400
    assert time.perf_counter() - started < 1


# Fixture loads -----------------------------------------------------------------------------


def history_rows():
    """Snapshots kept, per model of the archive."""
    return {model._meta.label: model.history.count() for model in ArchiveModel.__subclasses__()}


def test_a_fixture_load_keeps_one_snapshot_of_each_row_with_its_citations(reference_data):
    load(PEREZ_FIXTURE)

    revision = Revision.objects.latest("pk")
    assert revision.kind == Revision.Kind.LOAD
    for result in Result.objects.filter(athlete__slug="jefferson-perez"):
        (snapshot,) = result.history.all()
        assert snapshot.history_type == "+"
        assert snapshot.revision == revision
        cited = {row.source_id for row in snapshot.sources.all()}
        assert cited == set(result.sources.values_list("pk", flat=True))
        assert cited, "every result of the file cites its source"


def test_loading_the_same_file_again_writes_no_history(reference_data):
    load(PEREZ_FIXTURE)
    snapshots, revisions = history_rows(), Revision.objects.count()
    version = current_version()

    load(PEREZ_FIXTURE)

    assert history_rows() == snapshots
    assert Revision.objects.count() == revisions
    assert current_version() == version, "an unchanged archive kept its cached pages"


def test_undoing_a_fixture_load_removes_every_row_it_added(ana, reference_data):
    before = row_counts()
    load(PEREZ_FIXTURE)
    assert row_counts() != before

    assert undo_latest(ana, Revision.Kind.LOAD).status_code == 302

    assert row_counts() == before


def test_a_pasted_result_is_one_snapshot_with_its_citation(ana, perez):
    event = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    preview = paste_preview(ana, event, "9. Nuevo Marchista (ECU) 1:25:00")
    assert paste_save(ana, event, preview).status_code == 302

    result = Result.objects.get(athlete__family_name="Marchista")
    (snapshot,) = result.history.all()
    assert snapshot.history_type == "+"
    cited = {row.source_id for row in snapshot.sources.all()}
    assert cited == set(result.sources.values_list("pk", flat=True))


def test_a_delete_confirmed_after_another_editor_changed_the_row_is_refused(ana, ben, walker):
    url = reverse("admin:athletes_athlete_delete", args=[walker.pk])
    shown = form_data(ana.get(url), form_id="delete-form")
    save_change(ben, walker, birthplace="Quito")

    response = ana.post(url, shown, follow=True)

    said = page_html(response)
    assert "others changed the rows this delete takes: nothing was deleted" in said
    assert "Ben, " in said and "birthplace (empty) → “Quito”" in said
    walker.refresh_from_db()
    assert walker.birthplace == "Quito"
    # Shown again as it now is, the page deletes.
    assert ana.post(url, form_data(response, form_id="delete-form")).status_code == 302
    assert not Athlete.objects.filter(pk=walker.pk).exists()


def test_a_delete_confirmed_before_a_row_was_added_under_it_is_refused(ana, ben, final):
    url = reverse("admin:results_event_delete", args=[final.pk])
    shown = form_data(ana.get(url), form_id="delete-form")
    with revision(kind=Revision.Kind.EDIT, user=User.objects.get(username="ben")):
        ResultFactory(event=final, place=4, mark=4_900_000)

    response = ana.post(url, shown, follow=True)

    assert "others changed the rows this delete takes: nothing was deleted" in page_html(response)
    assert final.results.count() == 4


def test_deleting_selected_rows_changed_since_the_confirmation_is_refused(ana, ben, final):
    first, second = final.results.order_by("place")[:2]
    page = action_page(ana, "delete_selected", first, second)
    shown = form_data(page, form_id="delete-form")
    save_change(ben, second, note="photo finish")

    response = ana.post(changelist_url(Result), shown, follow=True)

    assert "others changed the rows this delete takes: nothing was deleted" in page_html(response)
    assert final.results.count() == 3
    page = action_page(ana, "delete_selected", first, second)
    ana.post(changelist_url(Result), form_data(page, form_id="delete-form"))
    assert final.results.count() == 1


def test_a_delete_posted_without_the_pages_token_says_the_page_is_out_of_date(ana, walker):
    url = reverse("admin:athletes_athlete_delete", args=[walker.pk])
    response = ana.post(url, {"post": "yes", "token": "abc"}, follow=True)
    said = page_html(response)
    assert "This page is out of date or was altered" in said
    assert "others changed the rows" not in said
    assert Athlete.objects.filter(pk=walker.pk).exists()
