"""Factories for rows the tests build themselves, on top of the reference fixtures."""

import factory

from athletes.models import Athlete, Country, Sex, Source
from results.models import Championship, Competition, Discipline, Event, Result


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: "Q" + chr(65 + n // 26 % 26) + chr(65 + n % 26))
    name = factory.Sequence(lambda n: f"Testland {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Result sheet {n}")


class AthleteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Athlete

    given_name = factory.Sequence(lambda n: f"Walker{n}")
    family_name = factory.Sequence(lambda n: f"Tester{n}")
    slug = factory.LazyAttribute(lambda a: f"{a.given_name}-{a.family_name}".lower())
    sex = Sex.MEN
    country = factory.SubFactory(CountryFactory)


class ChampionshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Championship

    slug = factory.Sequence(lambda n: f"test-games-{n}")
    name = factory.Sequence(lambda n: f"Test Games {n}")
    level = Championship.Level.GLOBAL
    awards_medals = True


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competition

    championship = factory.SubFactory(ChampionshipFactory)
    year = factory.Sequence(lambda n: 1950 + n % 70)
    slug = factory.Sequence(lambda n: f"test-competition-{n}")
    name = factory.LazyAttribute(
        lambda c: f"{c.championship.name if c.championship else 'Meeting'} {c.year}"
    )
    city = factory.Sequence(lambda n: f"City {n}")
    country = factory.SubFactory(CountryFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    competition = factory.SubFactory(CompetitionFactory)
    discipline = factory.LazyFunction(lambda: Discipline.objects.get(code="20KW"))
    sex = Sex.MEN
    round = Event.Round.FINAL


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    event = factory.SubFactory(EventFactory)
    athlete = factory.SubFactory(AthleteFactory)
    country = factory.LazyAttribute(lambda r: r.athlete.country)
    place = factory.Sequence(lambda n: n % 30 + 1)
    mark = factory.Sequence(lambda n: 4_800_000 + n * 1000)
