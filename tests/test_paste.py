"""
Pasting a result sheet: the first preview checks every row by every rule and says so in the
row, near matches are offered and never chosen for the editor, the sheet's source is cited
by every result, a paste over a changed event is refused, and long sheets save.
"""

import datetime
import re

import pytest
from django.urls import reverse

from athletes.models import Athlete, Country
from results.models import Event, Result
from revisions.models import Revision

from .factories import (
    AthleteFactory,
    CompetitionFactory,
    EventFactory,
    ResultFactory,
    SourceFactory,
)
from .helpers import form_data, row_counts
from .test_history import editor_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(perez):
    return editor_session("ana")


@pytest.fixture
def final(perez):
    """A men's 20 km walk final of 2001 with no results yet."""
    competition = CompetitionFactory(year=2001, country=Country.objects.get(code="CAN"))
    return EventFactory(competition=competition, date=datetime.date(2001, 8, 5))


def paste_url(event):
    return reverse("admin:results_event_paste", args=[event.pk])


def preview(client, event, lines, **fields):
    response = client.post(paste_url(event), {"lines": lines, "preview": "1", **fields})
    assert response.status_code == 200
    return response


def save(client, event, response, **changes):
    """Post the preview back as the editor's browser holds it, with `changes` to its fields."""
    data = {**form_data(response, form_id="paste-rows"), **changes, "save": "1"}
    return client.post(paste_url(event), data)


def row_html(response, number):
    """The table row of pasted row `number` (from 1), with its errors row if it has one."""
    page = response.content.decode()
    start = page.index(f'<tr id="row-{number}"')
    end = page.find('<tr id="row-', start + 1)
    return page[start : end if end != -1 else page.index("</tbody>", start)]


def text(html):
    return html.replace("&#x27;", "'").replace("&quot;", '"')


def slug(pk):
    return Athlete.objects.get(pk=pk).slug


# The first preview: every rule, every row.


def test_the_first_preview_reports_each_rule_on_its_row(ana, final):
    AthleteFactory(
        given_name="Young", family_name="Walker", date_of_birth=datetime.date(2005, 1, 1)
    )
    AthleteFactory(given_name="Maria", family_name="Andante", sex="W")
    lines = "\n".join(
        [
            "1. Ilya Markov (RUS) 1:20:00",
            "1. Bernardo Segura (MEX) 1:21:00",
            "3. Robert Korzeniowski (POL) 1:99:00",
            "4. Daniel Garcia (MEX) DNF",
            "5. Young Walker (GUA) 1:25:00",
            "6. Ilya Markov (RUS) 1:26:00",
            "7. Maria Andante (GUA) 1:27:00",
        ]
    )
    before = row_counts()
    response = preview(ana, final, lines)
    expected = {
        2: "Place 1 is also given to row 1 with a different mark",
        3: "“1:99:00” is not a valid mark for 20 km race walk: 99 minutes",
        4: "Only a finished result has a place.",
        5: "The event took place before the athlete's birth.",
        6: "Ilya Markov is already entered in row 1.",
        7: "This athlete does not compete in this event's sex.",
    }
    forms = response.context["formset"].forms
    assert not forms[0].errors
    for number, message in expected.items():
        errors = " ".join(
            str(error) for errors in forms[number - 1].errors.values() for error in errors
        )
        assert message in text(errors), number
        assert message in text(row_html(response, number)), number
        assert f"Row {number}, " in text(response.content.decode())
    assert "has-errors" not in row_html(response, 1)
    assert "6 rows to correct" in re.sub(r"<[^>]+>", "", response.content.decode())
    assert row_counts() == before


def test_the_save_checks_every_row_again(ana, final):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    before = row_counts()
    refused = save(ana, final, response, **{"form-0-mark": "1:99:00"})
    assert refused.status_code == 200
    assert "Row 1, mark: “1:99:00” is not a valid mark" in text(refused.content.decode())
    assert row_counts() == before


def test_a_row_left_out_is_not_checked_nor_saved(ana, final):
    response = preview(ana, final, "Men's 20 km walk, final\n1. Ilya Markov (RUS) 1:20:00")
    assert response.context["formset"].forms[0].errors
    saved = save(ana, final, response, **{"form-0-include": ""})
    assert saved.status_code == 302
    assert [result.athlete.slug for result in final.results.all()] == ["ilya-markov"]


# Matching names: an exact match is chosen, a near one only offered.


@pytest.mark.parametrize(
    ("name", "athlete"),
    [
        ("Jefferson Perez", "jefferson-perez"),
        ("PÉREZ Jefferson", "jefferson-perez"),
        ("Fernández Francisco Javier", "francisco-javier-fernandez"),
    ],
)
def test_a_name_written_otherwise_is_matched(ana, final, name, athlete):
    response = preview(ana, final, f"1. {name} (ECU) 1:20:00")
    form = response.context["formset"].forms[0]
    assert slug(form["athlete"].value()) == athlete
    assert not form.creates_athlete
    assert "new athlete</span>" not in row_html(response, 1)


@pytest.mark.parametrize(
    ("name", "athlete"),
    [
        ("Jeferson Perez", "jefferson-perez"),
        ("Jefferson Peres", "jefferson-perez"),
        ("Francisco Fernández", "francisco-javier-fernandez"),
        ("J. Pérez", "jefferson-perez"),
        ("Ilia Markov", "ilya-markov"),
    ],
)
def test_a_near_miss_is_suggested_and_not_chosen(ana, final, name, athlete):
    response = preview(ana, final, f"1. {name} (ESP) 1:20:00")
    form = response.context["formset"].forms[0]
    assert form["athlete"].value() == ""
    assert athlete in [suggested.slug for suggested in form.suggested_athletes]
    assert len(form.suggested_athletes) <= 3
    html = row_html(response, 1)
    suggested = Athlete.objects.get(slug=athlete)
    # A radio button for it, named as the picker names athletes, and none checked but
    # "none of these".
    assert f'value="{suggested.pk}"' in html
    assert suggested.autocomplete_label in html
    assert re.search(r'<input type="radio"[^>]*value=""[^>]*checked', html)
    assert not re.search(rf'<input type="radio"[^>]*value="{suggested.pk}"[^>]*checked', html)
    assert "new athlete</span>" in html


def test_no_stranger_is_suggested(ana, final):
    response = preview(
        ana, final, "1. Julio Molina (ESP) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00"
    )
    assert [form.suggested_athletes for form in response.context["formset"].forms] == [[], []]


def test_an_accepted_suggestion_is_saved_for_that_athlete(ana, final, perez):
    response = preview(ana, final, "1. Jeferson Perez (EC) 1:20:00")
    athletes = Athlete.objects.count()
    saved = save(ana, final, response, **{"form-0-suggestion": str(perez.pk)})
    assert saved.status_code == 302
    result = final.results.get()
    assert result.athlete == perez
    assert result.country.code == "ECU"
    assert Athlete.objects.count() == athletes


def test_a_near_miss_left_alone_becomes_a_new_athlete(ana, final, perez):
    response = preview(ana, final, "1. Jeferson Perez (EC) 1:20:00")
    assert save(ana, final, response).status_code == 302
    assert final.results.get().athlete.slug == "jeferson-perez"


def test_the_picker_and_a_suggestion_naming_two_athletes_is_a_row_error(ana, final, perez):
    markov = Athlete.objects.get(slug="ilya-markov")
    response = preview(ana, final, "1. Jeferson Perez (EC) 1:20:00")
    refused = save(
        ana, final, response, **{"form-0-suggestion": str(perez.pk), "form-0-athlete": markov.pk}
    )
    assert refused.status_code == 200
    assert "Row 1, athlete: Choose one athlete" in text(refused.content.decode())
    assert not final.results.exists()


def test_the_row_that_adds_an_athlete_wears_a_badge(ana, final):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00")
    assert "new athlete</span>" not in row_html(response, 1)
    assert "new athlete</span>" in row_html(response, 2)
    assert "1 new athlete" in re.sub(r"<[^>]+>", "", response.content.decode())


def test_each_row_picks_its_athlete_with_the_autocomplete_of_the_events_sex(ana, final):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    html = row_html(response, 1)
    assert 'class="admin-autocomplete"' in html
    assert 'data-ajax--url="/admin/autocomplete/?sex=M"' in html
    assert "Markov, Ilya · RUS" in html


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999999", "987654"])
def test_a_tampered_athlete_is_a_row_error(ana, final, value):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    before = row_counts()
    refused = save(ana, final, response, **{"form-0-athlete": value})
    assert refused.status_code == 200
    assert "Row 1, athlete: Select an athlete of the archive" in refused.content.decode()
    assert row_counts() == before


def test_a_tampered_suggestion_is_a_row_error(ana, final):
    markov = Athlete.objects.get(slug="ilya-markov")
    response = preview(ana, final, "1. Jeferson Perez (EC) 1:20:00")
    refused = save(ana, final, response, **{"form-0-suggestion": str(markov.pk)})
    assert refused.status_code == 200
    assert "Row 1, near matches: Select a valid choice." in refused.content.decode()
    assert not final.results.exists()


# The sheet as a whole: its source, its event's state, its size.


def test_every_saved_result_cites_the_source(ana, final):
    source = SourceFactory(title="Official results, 20 km walk")
    lines = (
        "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00\nDNF Daniel Garcia (MEX)"
    )
    response = preview(ana, final, lines, source=source.pk)
    assert "Official results, 20 km walk" in response.content.decode()
    assert save(ana, final, response).status_code == 302
    results = final.results.prefetch_related("sources")
    assert len(results) == 3
    assert all(list(result.sources.all()) == [source] for result in results)
    # The citations are in the results' history, which the event's history page shows.
    history = ana.get(reverse("admin:results_event_history", args=[final.pk]))
    assert history.status_code == 200
    assert "Official results, 20 km walk" in history.content.decode()


def test_a_tampered_source_is_refused(ana, final):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    refused = save(ana, final, response, source="99999999999999999999999")
    assert refused.status_code == 200
    assert not final.results.exists()


def test_a_paste_saved_after_its_event_changed_is_refused(ana, final):
    stored = ResultFactory(event=final, place=9, mark=4_900_000)
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    ben = editor_session("ben")
    change = form_data(
        ben.get(reverse("admin:results_result_change", args=[stored.pk])), form_id="result_form"
    )
    assert (
        ben.post(
            reverse("admin:results_result_change", args=[stored.pk]), {**change, "note": "Photo."}
        ).status_code
        == 302
    )
    before = row_counts()
    refused = save(ana, final, response)
    assert refused.status_code == 200
    page = text(refused.content.decode())
    assert "Since this page was shown, others changed the rows it is about" in page
    assert "ben" in page and "note" in page
    assert row_counts() == before
    # The page now vouches for the event as it is: saving again goes through.
    assert save(ana, final, refused).status_code == 302
    assert final.results.count() == 2


def test_a_forged_token_is_refused(ana, final):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    refused = save(ana, final, response, token="forged")
    assert refused.status_code == 200
    assert "out of date or was altered" in refused.content.decode()
    assert not final.results.exists()


def test_the_paste_is_one_revision_in_the_events_history(ana, final):
    lines = "1. Ilya Markov (RUS) 1:20:00\n2. Newcomer Walker (GUA) 1:21:00"
    response = preview(ana, final, lines)
    revisions = set(Revision.objects.values_list("pk", flat=True))
    assert save(ana, final, response).status_code == 302
    revision = Revision.objects.exclude(pk__in=revisions).get()
    assert revision.kind == Revision.Kind.PASTE
    assert {record.instance for record in Result.history.filter(revision=revision)} == set(
        final.results.all()
    )
    history = ana.get(reverse("admin:results_event_history", args=[final.pk]))
    assert history.status_code == 200
    assert "Pasted a result list into" in history.content.decode()


def lines_of(count):
    """A sheet of `count` new walkers, a second apart."""
    return "\n".join(
        f"{place}. Walker{place} Tester (GUA) 1:{20 + place // 60:02d}:{place % 60:02d}"
        for place in range(1, count + 1)
    )


def test_a_500_line_paste_previews_in_few_queries_and_saves(
    ana, final, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = preview(ana, final, lines_of(500))
    assert len(response.context["formset"].forms) == 500
    assert not response.context["formset"].non_form_errors()
    source = SourceFactory()
    saved = save(ana, final, response, source=source.pk)
    assert saved.status_code == 302
    assert final.results.count() == 500
    assert Result.sources.through.objects.filter(source=source).count() == 500
    assert final.results.get(place=500).mark == 4_800_000 + 500 * 1000


def test_a_paste_longer_than_the_cap_is_refused(ana, final):
    response = preview(ana, final, lines_of(1001))
    assert "At most 1000 lines per paste" in response.content.decode()
    assert response.context["formset"] is None


def test_a_forged_row_count_is_refused(ana, final):
    response = preview(ana, final, "1. Ilya Markov (RUS) 1:20:00")
    refused = save(ana, final, response, **{"form-TOTAL_FORMS": "100000"})
    assert refused.status_code == 400


def test_an_event_id_that_is_not_one_is_not_found(ana):
    assert ana.get("/admin/results/event/abc/paste/").status_code == 404


def test_a_paste_into_a_womens_race_matches_women(ana, reference_data):
    event = EventFactory(sex="W", competition=CompetitionFactory(year=2001))
    walker = AthleteFactory(given_name="Maria", family_name="Andante", sex="W")
    AthleteFactory(given_name="Mario", family_name="Andante", sex="M")
    response = preview(ana, event, "1. Maria Andante (GUA) 1:30:00\n2. Mari Andante (GUA) 1:31:00")
    first, second = response.context["formset"].forms
    assert int(first["athlete"].value()) == walker.pk
    assert second.suggested_athletes == [walker]
    assert 'data-ajax--url="/admin/autocomplete/?sex=W"' in row_html(response, 1)


def test_a_result_of_another_event_is_not_touched(ana, final):
    other = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    results = list(other.results.values_list("pk", "version"))
    response = preview(ana, final, "1. Jefferson Pérez (ECU) 1:20:00")
    assert save(ana, final, response).status_code == 302
    assert list(other.results.values_list("pk", "version")) == results


def test_new_athletes_sharing_a_name_get_slugs_of_their_own(ana, final):
    AthleteFactory(given_name="Other", family_name="Walker", slug="newcomer-walker")
    lines = "1. Newcomer Walker (GUA) 1:20:00\n2. Newcomer Walker (MEX) 1:21:00"
    response = preview(ana, final, lines)
    assert save(ana, final, response).status_code == 302
    slugs = sorted(final.results.values_list("athlete__slug", flat=True))
    assert slugs == ["newcomer-walker-2", "newcomer-walker-3"]
