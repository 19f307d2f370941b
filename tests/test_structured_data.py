"""JSON-LD that search engines read, and OpenGraph tags for sharing."""

import json
import re
from decimal import Decimal

from results.models import Discipline

from .factories import EventFactory, ResultFactory
from .helpers import page_html


def json_ld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page_html(response), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_an_athletes_page_describes_a_person_with_nationality_and_medals(client, perez):
    data = json_ld(client.get("/athletes/jefferson-perez/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == "Jefferson Pérez"
    assert data["nationality"] == {"@type": "Country", "name": "Ecuador", "identifier": "ECU"}
    assert data["url"] == "http://testserver/athletes/jefferson-perez/"
    assert "Olympic Games Atlanta 1996, Men's 20 km race walk: gold" in data["award"]
    assert any(award.endswith(": silver") for award in data["award"])


def test_an_events_page_describes_a_sports_event_with_its_results(client, perez):
    data = json_ld(client.get("/competitions/olympic-games-1996/20KW/m/final/"))
    assert data["@type"] == "SportsEvent"
    assert data["startDate"].startswith("1996")
    assert data["location"]["address"]["addressCountry"] == "USA"
    first = data["competitor"][0]
    assert first["competitor"]["name"] == "Jefferson Pérez"
    assert first["roleName"].startswith("Place 1, 1:20:07")


def test_text_that_could_close_the_script_is_escaped(client, perez):
    perez.birthplace = "</script><script>alert(1)</script>"
    perez.save()
    html = client.get("/athletes/jefferson-perez/").content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(client.get("/athletes/jefferson-perez/"))["birthPlace"] == perez.birthplace


def test_pages_carry_opengraph_tags(client, perez):
    html = page_html(client.get("/athletes/jefferson-perez/"))
    assert '<meta property="og:title" content="Jefferson Pérez">' in html
    assert '<meta property="og:type" content="profile">' in html
    assert '<meta property="og:url" content="http://testserver/athletes/jefferson-perez/">' in html


def test_an_events_results_carry_the_letters_of_marks_that_are_not_legal(client, reference_data):
    dash = EventFactory(discipline=Discipline.objects.get(code="100"))
    ResultFactory(event=dash, place=1, mark=10_100, hand_timed=True, wind=Decimal("1.0"))
    ResultFactory(event=dash, place=2, mark=10_200, wind=Decimal("3.1"))

    data = json_ld(client.get(dash.get_absolute_url()))

    assert [row["roleName"] for row in data["competitor"]] == [
        "Place 1, 10.1 h",
        "Place 2, 10.20 w",
    ]
