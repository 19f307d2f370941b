"""
The API's filters. The lists that have a page filter as their page does, with the page's own
FilterSets (`results.filters`); these two are the API's own because no page filters by them.

`AthleteFilter` has the fields of the athlete directory's (`archive.filters`, a layer above
this one, so it cannot be imported here); its rules are the models' (`Athlete.objects.search`,
the `Medal` table), not written again.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter, FilterSet, ModelChoiceFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from athletes.models import Athlete, Country, Sex
from results.filters import ResultYearsFilter, YearFilter
from results.models import Competition, Discipline, Event, Medal, Result


@extend_schema_field(OpenApiTypes.STR)
class KeyFilter(ModelChoiceFilter):
    """An object named by its natural key (a code, a slug): a string in the query."""


def _discipline_filter(**kwargs):
    return KeyFilter(
        label=_("Discipline (code)"),
        queryset=Discipline.objects.all(),
        to_field_name="code",
        **kwargs,
    )


class AthleteFilter(FilterSet):
    """The athlete directory's filters: name, nation, sex, discipline and medallists."""

    q = CharFilter(label=_("Name or alias, accents and case ignored"), method="filter_name")
    country = ModelChoiceFilter(
        label=_("Nation (IOC code)"),
        queryset=Country.objects.all(),
        to_field_name="code",
    )
    sex = ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    discipline = _discipline_filter(method="filter_discipline")
    medallists = ChoiceFilter(
        label=_("Championship medallists only (true) or everyone (false)"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="filter_medallists",
    )

    class Meta:
        model = Athlete
        fields = ["q", "country", "sex", "discipline", "medallists"]

    def filter_name(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_discipline(self, queryset, name, value):
        results = Result.objects.filter(athlete=OuterRef("pk"), event__discipline=value)
        return queryset.filter(Exists(results))

    def filter_medallists(self, queryset, name, value):
        if value != "true":
            return queryset
        return queryset.filter(Exists(Medal.objects.filter(athlete=OuterRef("pk"))))


class ResultFilter(ResultYearsFilter):
    """Results by athlete, competition, discipline, sex, round and year, besides the years
    and nation (the nation represented at the time) of `ResultYearsFilter`."""

    athlete = ModelChoiceFilter(
        label=_("Athlete (slug)"), queryset=Athlete.objects.all(), to_field_name="slug"
    )
    competition = ModelChoiceFilter(
        field_name="event__competition",
        label=_("Competition (slug)"),
        queryset=Competition.objects.all(),
        to_field_name="slug",
    )
    discipline = _discipline_filter(field_name="event__discipline")
    sex = ChoiceFilter(field_name="event__sex", label=_("Sex"), choices=Sex.choices)
    round = ChoiceFilter(field_name="event__round", label=_("Round"), choices=Event.Round.choices)
    year = YearFilter(field_name="event__competition__year", label=_("Year"))

    class Meta:
        model = Result
        fields = [
            "athlete",
            "competition",
            "discipline",
            "sex",
            "round",
            "year",
            "year_from",
            "year_to",
            "country",
        ]
