"""The athlete directory's filters: by name, nation, sex, discipline and medals won."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, CharFilter, ChoiceFilter, FilterSet

from athletes.models import Athlete, Country, Sex
from results.filters import NamedFilter, NationFilter
from results.models import Discipline, Medal, Result
from results.widgets import FastCheckboxInput, FastSelect, FastTextInput, FilterForm


def countries_with_athletes(request):
    return Country.objects.with_athletes()


class AthleteFilter(FilterSet):
    q = CharFilter(label=_("Name"), method="filter_name", widget=FastTextInput)
    country = NationFilter(
        label=_("Nation"),
        queryset=countries_with_athletes,
        to_field_name="code",
        empty_label=_("All nations"),
        widget=FastSelect,
    )
    sex = ChoiceFilter(
        label=_("Sex"), choices=Sex.choices, empty_label=_("Men and women"), widget=FastSelect
    )
    discipline = NamedFilter(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        to_field_name="code",
        method="filter_discipline",
        empty_label=_("All disciplines"),
        widget=FastSelect,
    )
    medallists = BooleanFilter(
        label=_("Championship medallists only"),
        method="filter_medallists",
        widget=FastCheckboxInput,
    )

    class Meta:
        model = Athlete
        form = FilterForm
        fields = ["q", "country", "sex", "discipline", "medallists"]

    def filter_name(self, queryset, name, value):
        if not value.strip():
            return queryset
        # Within a nation, each of its athletes is checked: faster for a common name.
        return queryset.search(value, within_few=bool(self.form.cleaned_data.get("country")))

    def filter_discipline(self, queryset, name, value):
        results = Result.objects.filter(athlete=OuterRef("pk"), event__discipline=value)
        return queryset.filter(Exists(results))

    def filter_medallists(self, queryset, name, value):
        if not value:
            return queryset
        # EXISTS per athlete kept by the other filters, through the podium index.
        return queryset.filter(Exists(Medal.objects.filter(athlete=OuterRef("pk"))))
