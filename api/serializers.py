"""
What the API says of each object. Read-only: every value comes from the models and from the
tables of `results.standings`, so the API and the pages say the same thing.

Every object carries `url` (its address in the API) and `html_url` (its public page). Every
result carries its mark as stored (an integer in its discipline's unit) and as printed, the
flags statisticians print after it, whether it is a legal mark, and the sources it cites.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from athletes.models import Sex
from results.models import Championship, Discipline, Event, Result

from .links import api_reverse, api_url, page_url


@extend_schema_field(OpenApiTypes.URI)
class ObjectLink(serializers.Field):
    """An absolute address of the object itself, as `address(request, obj)` gives it."""

    address = None
    default_help_text = None

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.address(self.context["request"], value)


class ApiLink(ObjectLink):
    """The object's address in the API."""

    address = staticmethod(api_url)
    default_help_text = _("This object in the API.")


class PageLink(ObjectLink):
    """The object's public page."""

    address = staticmethod(page_url)
    default_help_text = _("This object's public page on the site.")


# Reference data ------------------------------------------------------------------------------


class NationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("IOC / World Athletics three-letter code."))
    name = serializers.CharField()
    html_url = PageLink()


class SourceSerializer(serializers.Serializer):
    """Where a fact was read: a result sheet, a book, a web page."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    link = serializers.CharField(
        source="url", help_text=_("Where the source can be read, when it is online.")
    )
    accessed_on = serializers.DateField(allow_null=True)


class DisciplineBriefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The athlib event code: 20KW, 100, LJ, DEC…"))
    name = serializers.CharField()
    url = ApiLink()
    html_url = PageLink()


class DisciplineSerializer(DisciplineBriefSerializer):
    venue = serializers.ChoiceField(choices=Discipline.Venue.choices)
    measure = serializers.ChoiceField(
        choices=Discipline.Measure.choices,
        help_text=_(
            "What a mark counts: time in milliseconds, distance and height in millimetres, "
            "points as they are."
        ),
    )
    lower_is_better = serializers.BooleanField()
    distance_m = serializers.IntegerField(allow_null=True)
    is_walk = serializers.BooleanField()
    wind_limit = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("The strongest legal following wind (m/s), where wind is read."),
    )
    men_world_record = serializers.IntegerField(allow_null=True)
    women_world_record = serializers.IntegerField(allow_null=True)
    list_url = serializers.SerializerMethodField(
        help_text=_("The discipline's all-time and season lists in the API.")
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_list_url(self, discipline):
        return api_reverse(self.context["request"], "ranked-list", code=discipline.code)


class ChampionshipBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = ApiLink()
    html_url = PageLink()


class ChampionshipSerializer(ChampionshipBriefSerializer):
    level = serializers.ChoiceField(choices=Championship.Level.choices)
    awards_medals = serializers.BooleanField(
        help_text=_("Whether places 1–3 of its finals are medals.")
    )


class ChampionshipListSerializer(ChampionshipSerializer):
    edition_count = serializers.IntegerField()


# Athletes, competitions, events -----------------------------------------------------------------


class AthleteBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = ApiLink()
    html_url = PageLink()


class AthleteSerializer(AthleteBriefSerializer):
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    nation = NationSerializer(source="country")
    date_of_birth = serializers.DateField(allow_null=True)
    birthplace = serializers.CharField()
    retired_on = serializers.DateField(allow_null=True)


class CompetitionBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    url = ApiLink()
    html_url = PageLink()


class CompetitionSerializer(CompetitionBriefSerializer):
    championship = ChampionshipBriefSerializer(allow_null=True)
    city = serializers.CharField()
    nation = NationSerializer(source="country")
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    indoor = serializers.BooleanField()
    altitude_m = serializers.IntegerField(allow_null=True)


class EventSerializer(serializers.Serializer):
    competition = CompetitionBriefSerializer()
    discipline = DisciplineBriefSerializer()
    sex = serializers.ChoiceField(choices=Sex.choices)
    round = serializers.ChoiceField(choices=Event.Round.choices)
    title = serializers.CharField()
    date = serializers.DateField(
        source="day", allow_null=True, help_text=_("Its own date, else the competition's start.")
    )
    url = ApiLink()
    html_url = PageLink()


# Results ----------------------------------------------------------------------------------------

FLAGS_HELP = _(
    "The letters printed after the mark: w wind-aided, nwi no wind information, h hand-timed, "
    "i indoor (each kept apart from legal marks), A at altitude (counted, but flagged)."
)


class ResultSerializer(serializers.Serializer):
    """One athlete's outcome in one event."""

    athlete = AthleteBriefSerializer()
    nation = serializers.CharField(
        source="country.code", help_text=_("The nation represented at the time.")
    )
    place = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Result.Status.choices)
    mark = serializers.IntegerField(
        allow_null=True,
        help_text=_("As stored: milliseconds, millimetres or points (see the discipline)."),
    )
    mark_text = serializers.CharField(
        source="mark_display", help_text=_("The mark as statisticians print it: 1:17:21, 8.95.")
    )
    wind = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("m/s; null when not measured (0.0 is a measured calm)."),
    )
    hand_timed = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.CharField(), help_text=FLAGS_HELP)
    legal = serializers.BooleanField(
        source="is_legal", help_text=_("A finished mark that counts in lists and for records.")
    )
    medal = serializers.CharField(help_text=_("gold, silver or bronze for a medal, else empty."))
    records = serializers.ListField(
        source="record_labels",
        child=serializers.CharField(),
        help_text=_("Record tags as set at the time (WR, AR, NR…); ex-WR once beaten since."),
    )
    note = serializers.CharField()
    sources = SourceSerializer(many=True, help_text=_("Where this result was read."))


class EventResultSerializer(ResultSerializer):
    """A row of an event's result list."""

    tied = serializers.BooleanField(help_text=_("A shared place or an equal mark."))

    def to_representation(self, row):
        # A row of an event's sheet (`standings.events.EventRow`): its result, and whether tied.
        row.result.tied = row.tied
        return super().to_representation(row.result)


class ResultWithEventSerializer(ResultSerializer):
    """A result out of its event's list: with the event it was in."""

    event = EventSerializer()


class RankedResultSerializer(ResultWithEventSerializer):
    """A row of an all-time or season list: ties share a rank."""

    rank = serializers.IntegerField()


# Tables ------------------------------------------------------------------------------------------


class MedalCountSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text=_("Equal gold, silver and bronze share a rank."))
    gold = serializers.IntegerField()
    silver = serializers.IntegerField()
    bronze = serializers.IntegerField()
    total = serializers.IntegerField()


class NationMedalsSerializer(MedalCountSerializer):
    nation = NationSerializer(source="subject")


class AthleteMedalsSerializer(MedalCountSerializer):
    athlete = AthleteBriefSerializer(source="subject")
    nation = NationSerializer()


class ChampionshipMedalsSerializer(MedalCountSerializer):
    championship = ChampionshipBriefSerializer(source="subject")


class MedalTablesSerializer(serializers.Serializer):
    """Medals by nation and by athlete, the best first."""

    by_nation = NationMedalsSerializer(many=True)
    by_athlete = AthleteMedalsSerializer(many=True)


class PersonalBestSerializer(serializers.Serializer):
    discipline = DisciplineBriefSerializer()
    result = ResultWithEventSerializer(
        allow_null=True, help_text=_("The best mark that counts, if any.")
    )
    apart = ResultWithEventSerializer(
        allow_null=True,
        help_text=_("A better mark kept apart (wind-aided, hand-timed, indoor), if any."),
    )
    speed_kmh = serializers.DecimalField(
        max_digits=7,
        decimal_places=3,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Average speed of the best race, in km/h."),
    )


class PersonalBestsSerializer(serializers.Serializer):
    road = PersonalBestSerializer(many=True)
    track = PersonalBestSerializer(many=True)


class AthleteDetailSerializer(AthleteSerializer):
    aliases = serializers.SerializerMethodField(help_text=_("Other spellings of the name."))
    biography = serializers.ListField(source="biography_paragraphs", child=serializers.CharField())
    photo = serializers.SerializerMethodField(help_text=_("The photo, when there is one."))
    photo_credit = serializers.CharField()
    sources = SourceSerializer(many=True)
    personal_bests = PersonalBestsSerializer(
        source="profile.personal_bests",
        help_text=_("Legal marks, and the kinds of marks kept apart that `include` names."),
    )
    medals = ChampionshipMedalsSerializer(
        source="profile.medals.rows", many=True, help_text=_("Medals by championship.")
    )
    results = ResultWithEventSerializer(
        source="profile.results", many=True, help_text=_("Every result, oldest first.")
    )

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_aliases(self, athlete):
        return [alias.name for alias in athlete.aliases.all()]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, athlete):
        if not athlete.photo:
            return None
        return self.context["request"].build_absolute_uri(athlete.photo.url)


class EditionSerializer(CompetitionBriefSerializer):
    city = serializers.CharField()
    nation = NationSerializer(source="country")


class ChampionshipDetailSerializer(ChampionshipSerializer):
    editions = EditionSerializer(
        source="edition_list", many=True, help_text=_("Every edition, newest first.")
    )
    medals = MedalTablesSerializer(
        source="medal_tables",
        help_text=_("The championship's medals by nation and by athlete (the first 50 each)."),
    )


class PodiumEventSerializer(EventSerializer):
    podium = ResultSerializer(many=True, help_text=_("Places 1–3, ties in place order."))


class CompetitionDetailSerializer(CompetitionSerializer):
    sources = SourceSerializer(many=True)
    events = PodiumEventSerializer(source="podium_events", many=True)
    medals = NationMedalsSerializer(
        source="medal_table",
        many=True,
        allow_null=True,
        help_text=_("Medals by nation at this edition; null when its finals award none."),
    )


class EventDetailSerializer(EventSerializer):
    video_url = serializers.URLField()
    complete = serializers.BooleanField(
        help_text=_("Whether the archive holds every finisher's place.")
    )
    count = serializers.IntegerField(help_text=_("The results of the event, on every page."))
    next = serializers.URLField(allow_null=True, help_text=_("The next page of its results."))
    previous = serializers.URLField(
        allow_null=True, help_text=_("The previous page of its results.")
    )
    results = EventResultSerializer(
        source="sheet", many=True, help_text=_("This page's, in the order of a result sheet.")
    )
    sources = SourceSerializer(
        source="sheet_sources", many=True, help_text=_("Every source its results cite.")
    )


class RankedListSerializer(serializers.Serializer):
    """One page of an all-time or season list, and which list it is."""

    discipline = DisciplineBriefSerializer()
    sex = serializers.ChoiceField(choices=Sex.choices)
    list = serializers.ChoiceField(choices=["performers", "performances"])
    include = serializers.ListField(
        child=serializers.ChoiceField(choices=[*Result.APART_KINDS]),
        help_text=_("The kinds of marks kept apart that are counted too."),
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RankedResultSerializer(many=True)
