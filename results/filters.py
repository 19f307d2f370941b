"""FilterSets for the public lists. A bad value shows the form's error, never a 500."""

import functools
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import (
    CharFilter,
    ChoiceFilter,
    FilterSet,
    ModelChoiceFilter,
    NumberFilter,
    fields,
)

from athletes.models import Country, Sex, data_name, fold

from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    Championship,
    Competition,
    Discipline,
    ListedMark,
    Medal,
    Result,
)
from .standings.lists import performances, performers
from .widgets import FastCheckboxes, FastNumberInput, FastSelect, FastTextInput, FilterForm


class YearFilter(NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        kwargs.setdefault("widget", FastNumberInput(attrs={"class": "year-input"}))
        super().__init__(*args, **kwargs)


class NationChoices(fields.ModelChoiceIterator):
    """
    The nations as the filters' select lists them: "Name (CODE)", by name in the reader's
    language. Read as (code, name) pairs rather than model instances: every list page
    prints its two hundred options (make bench).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = tuple(self.queryset.values_list("code", "name").order_by())
        yield from _nation_options(get_language(), rows)


@functools.lru_cache(maxsize=16)
def _nation_options(language, rows):
    """
    The options of nations read as `rows`, titled and sorted in `language` (the active one):
    the same for every page of a language until a nation changes, and half a millisecond
    of each page with the filter.
    """
    nations = [(code, Country.titled(code, name)) for code, name in rows]
    return tuple(sorted(nations, key=lambda nation: fold(nation[1])))


class NationField(fields.ModelChoiceField):
    iterator = NationChoices


class NationFilter(ModelChoiceFilter):
    field_class = NationField


class NamedChoices(fields.ModelChoiceIterator):
    """
    A select of disciplines or championships: (key, name in the reader's language) pairs
    read as values, in the rows' own order, rather than a model instance per option.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for key, name in self.queryset.values_list(self.field.to_field_name, "name"):
            yield (key, data_name(name))


class NamedField(fields.ModelChoiceField):
    iterator = NamedChoices


class NamedFilter(ModelChoiceFilter):
    """A filter by a discipline or a championship, chosen by its key (code, slug)."""

    field_class = NamedField


def _country_filter(field_name):
    return NationFilter(
        field_name=field_name,
        label=_("Nation"),
        queryset=Country.objects.all(),
        to_field_name="code",
        empty_label=_("All nations"),
        widget=FastSelect,
    )


def _championship_filter(field_name):
    return NamedFilter(
        field_name=field_name,
        label=_("Championship"),
        queryset=Championship.objects.all(),
        to_field_name="slug",
        empty_label=_("All championships"),
        widget=FastSelect,
    )


class CompetitionFilter(FilterSet):
    # No longer than a name: SQLite refuses a LIKE pattern over 50,000 bytes.
    q = CharFilter(
        label=_("Name or city"),
        method="filter_text",
        widget=FastTextInput,
        max_length=Competition._meta.get_field("name").max_length,
    )
    championship = _championship_filter("championship")
    year_from = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_to = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    country = _country_filter("country")

    class Meta:
        model = Competition
        form = FilterForm
        fields = ["q", "championship", "year_from", "year_to", "country"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value))


class ResultYearsFilter(FilterSet):
    """Years and nation, over Result rows."""

    year_from = YearFilter(
        field_name="event__competition__year", lookup_expr="gte", label=_("From year")
    )
    year_to = YearFilter(
        field_name="event__competition__year", lookup_expr="lte", label=_("To year")
    )
    country = _country_filter("country")

    class Meta:
        model = Result
        form = FilterForm
        fields = ["year_from", "year_to", "country"]


class CountedMarksForm(FilterForm):
    """Which kinds of marks kept apart from legal marks the reader counts in (none by default)."""

    include = forms.MultipleChoiceField(
        label=_("Also count"),
        choices=list(Result.APART_KINDS.items()),
        required=False,
        widget=FastCheckboxes,
    )

    def included(self):
        """The kinds asked for; none when the form is invalid (a junk query string)."""
        return tuple(self.cleaned_data["include"]) if self.is_valid() else ()


class AllTimeForm(CountedMarksForm):
    """What the list is (sex, performers or performances), beside the rows it keeps."""

    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False, widget=FastSelect)
    list = forms.ChoiceField(
        label=_("List"),
        choices=[("performers", _("Performers")), ("performances", _("Performances"))],
        required=False,
        widget=FastSelect,
    )
    field_order = ["sex", "list", "year_from", "year_to", "country", "include"]


@dataclass
class AllTimeList:
    """An all-time or season list as a reader asked for it: whose, which kind, what counts."""

    sex: str
    kind: str  # "performers" or "performances"
    include: tuple  # the kinds of marks kept apart that count too
    rows: object  # the listed marks the filters keep, or None for the whole archive's
    ranked: object  # the ranked marks (`standings.lists.RankedMarks`)


class AllTimeFilter(FilterSet):
    """
    Years and nation filter the listed marks of an all-time list; sex, the kind of list and
    the marks counted are fields of its form (`AllTimeForm`) that say which list is drawn.
    """

    year_from = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_to = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    country = _country_filter("country")

    class Meta:
        model = ListedMark
        fields = ["year_from", "year_to", "country"]
        form = AllTimeForm

    @property
    def narrowed(self):
        """Whether any filter narrows the list (else it is the whole archive's)."""
        return any(self.form.cleaned_data.get(name) for name in self.filters)

    def drawn(self, discipline):
        """The list of `discipline` a valid form asks for, ranked (`AllTimeList`)."""
        form = self.form
        sex = form.cleaned_data["sex"] or Sex.MEN
        kind = form.cleaned_data["list"] or "performers"
        include = form.included()
        rows = self.qs if self.narrowed else None
        rank = performers if kind == "performers" else performances
        return AllTimeList(sex, kind, include, rows, rank(discipline, sex, rows, include))

    def filter_queryset(self, queryset):
        # django-filter filters by every field of the form; only the filters' own do.
        for name, row_filter in self.filters.items():
            queryset = row_filter.filter(queryset, self.form.cleaned_data.get(name))
        return queryset


class MedalFilter(FilterSet):
    championship = _championship_filter("championship")
    year_from = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_to = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    sex = ChoiceFilter(
        field_name="sex",
        label=_("Sex"),
        choices=Sex.choices,
        empty_label=_("Men and women"),
        widget=FastSelect,
    )
    discipline = NamedFilter(
        field_name="discipline",
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        to_field_name="code",
        empty_label=_("All disciplines"),
        widget=FastSelect,
    )

    class Meta:
        model = Medal
        form = FilterForm
        fields = ["championship", "year_from", "year_to", "sex", "discipline"]
