from django.contrib import admin

from .models import Alias, Athlete, Country, Highlight, Source, fold


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "url", "accessed_on"]
    search_fields = ["title", "publisher", "slug", "url"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "iso_code", "vehicle_code", "historic"]
    list_filter = ["historic"]
    search_fields = ["name", "code", "vehicle_code"]


class HighlightInline(admin.StackedInline):
    model = Highlight
    extra = 0
    fields = ["position", "kind", "title", "text", "source"]
    autocomplete_fields = ["source"]


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0
    fields = ["name"]


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "sex", "date_of_birth", "birthplace"]
    list_filter = ["sex", "country"]
    list_select_related = ["country"]
    search_fields = ["search_name", "given_name", "family_name", "slug", "aliases__search_name"]
    autocomplete_fields = ["country", "sources"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [HighlightInline, AliasInline]
    fieldsets = [
        (None, {"fields": ["given_name", "family_name", "slug", "sex", "country"]}),
        (None, {"fields": ["date_of_birth", "birthplace", "retired_on"]}),
        (None, {"fields": ["photo", "photo_credit", "biography", "sources"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Names are searched in their folded form, so "perez" and "Pérez" find Pérez.
        return super().get_search_results(request, queryset, fold(search_term))
