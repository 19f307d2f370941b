from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from revisions.admin import ArchiveAdmin, ArchiveInline
from revisions.tokens import run_if_unchanged, scope_token

from .forms import AthleteAdminForm, HighlightForm
from .merge import merge_athletes, merge_plan
from .models import Alias, Athlete, Country, Highlight, Source, athlete_relations
from .photos import make_thumbnails, photo_is_back

# Editors paste addresses without a scheme; they are web pages (Django 6 assumes https too).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(ArchiveAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "publisher", "url", "accessed_on"]
    search_fields = ["title", "publisher", "slug", "url"]
    prepopulated_fields = {"slug": ["title"]}

    def get_deleted_objects(self, objs, request):
        """A source still cited is protected: its citations are listed, and nothing goes."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for source in objs:
            for relation in ("athletes", "competitions", "results"):
                for obj in getattr(source, relation).all():
                    protected.append(
                        _("%(model)s “%(object)s” cites “%(source)s”")
                        % {
                            "model": capfirst(obj._meta.verbose_name),
                            "object": obj,
                            "source": source,
                        }
                    )
        return deleted, counts, perms_needed, protected


@admin.register(Country)
class CountryAdmin(ArchiveAdmin):
    list_display = ["name", "code", "iso_code", "vehicle_code", "historic"]
    list_filter = ["historic"]
    search_fields = ["name", "code", "vehicle_code"]


class HighlightInline(ArchiveInline, admin.StackedInline):
    model = Highlight
    form = HighlightForm
    extra = 0
    fields = ["position", "kind", "title", "text", "source"]
    autocomplete_fields = ["source"]


class AliasInline(ArchiveInline, admin.TabularInline):
    model = Alias
    extra = 0
    fields = ["name"]


@admin.register(Athlete)
class AthleteAdmin(ArchiveAdmin):
    form = AthleteAdminForm
    list_display = ["name", "country", "sex", "date_of_birth", "birthplace"]
    list_filter = ["sex", "country"]
    list_select_related = ["country"]
    # What shows the search box and serves the autocomplete; get_search_results does the finding.
    search_fields = ["search_name", "slug"]
    autocomplete_fields = ["country", "sources"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [HighlightInline, AliasInline]
    history_children = [(Highlight, "athlete"), (Alias, "athlete")]
    readonly_fields = ["photo_preview"]
    actions = ["merge_athletes"]
    fieldsets = [
        (None, {"fields": ["given_name", "family_name", "slug", "sex", "country"]}),
        (None, {"fields": ["date_of_birth", "birthplace", "retired_on"]}),
        (None, {"fields": ["photo", "photo_preview", "photo_credit", "biography", "sources"]}),
    ]

    def get_queryset(self, request):
        # The autocomplete names each athlete with their nation (Athlete.autocomplete_label).
        return super().get_queryset(request).select_related("country")

    def get_search_results(self, request, queryset, search_term):
        # As the public search finds them (every word starting a word of the name or of an
        # alias, accents, apostrophes and passport spellings ignored), from the words' index:
        # a LIKE '%…%' over every athlete's names would read the whole table. A slug is
        # found whole, year and all.
        if not search_term.strip():
            return queryset, False
        found = Athlete.objects.search(search_term).values("pk")
        return queryset.filter(models.Q(pk__in=found) | models.Q(slug=search_term.strip())), False

    @admin.display(description=_("preview"))
    def photo_preview(self, obj):
        """The photo as the profile shows it, so an editor sees what visitors will see."""
        if not obj.photo:
            return _("No photo")
        return format_html(
            '<img src="{}" width="240" alt="{}">', obj.photo_thumbnail_url, _("Current photo")
        )

    def save_model(self, request, obj, form, change):
        # Thumbnails are made here, once, rather than on a visitor's page view.
        super().save_model(request, obj, form, change)
        if not obj.photo:
            return
        if photo_is_back(obj):
            make_thumbnails(obj)
        else:
            # Its files come back from removed/ when the save is committed, and the
            # thumbnails are made from them then (callbacks run in the order given).
            transaction.on_commit(partial(make_thumbnails, obj))

    @admin.action(description=_("Merge two records of the same person"), permissions=["change"])
    def merge_athletes(self, request, queryset):
        """
        Two records of one person (names spelled differently, day and month of birth
        swapped): show what moves, then move every result and highlight to the kept one.
        The page carries a token of the two records and their results as shown: if another
        editor changed any of them meanwhile, the merge is refused and the page shown anew.
        """
        athletes = list(queryset.select_related("country"))
        if len(athletes) != 2:
            self.message_user(request, _("Select exactly two athletes to merge."), messages.WARNING)
            return None
        pks = [athlete.pk for athlete in athletes]
        scopes = [(Athlete, {"pk__in": pks})] + [
            (relation.related_model, {f"{relation.field.name}__in": pks})
            for relation in athlete_relations()
        ]
        changed_since = []
        keep = None
        if "confirm" in request.POST:
            keep = next((a for a in athletes if str(a.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, _("Choose the record to keep."), messages.WARNING)
                return None
            duplicate = athletes[1] if keep is athletes[0] else athletes[0]
            duplicate_repr = str(duplicate)

            def merge():
                # Django's log entries only (the deletion logged while the record still
                # exists, undone with the merge if it fails): the revision is the merge's,
                # named by merge_athletes, not a delete's or a change's.
                django_admin = super(ArchiveAdmin, self)
                django_admin.log_deletions(request, [duplicate])
                merge_athletes(keep, duplicate)
                django_admin.log_change(
                    request, keep, [{"changed": {"fields": [f"merged {duplicate_repr}"]}}]
                )

            try:
                changed_since = run_if_unchanged(request.POST.get("token"), scopes, merge)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            if not changed_since:
                self.message_user(
                    request,
                    _("%(duplicate)s was merged into %(keep)s.")
                    % {"duplicate": duplicate_repr, "keep": keep},
                    messages.SUCCESS,
                )
                return None
            # Shown again as the records now are, with what changed since.
            athletes = list(Athlete.objects.filter(pk__in=pks).select_related("country"))
            if len(athletes) != 2:
                for line in changed_since:
                    self.message_user(request, line, messages.ERROR)
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Merge two athlete records"),
            "athletes": athletes,
            "plans": [merge_plan(athletes[0], athletes[1]), merge_plan(athletes[1], athletes[0])],
            "keep": keep.pk if keep else athletes[0].pk,
            "changed_since": changed_since,
            "token": scope_token(scopes),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "form_id": "merge-form",
            "action": "merge_athletes",
            "selected": [athlete.pk for athlete in athletes],
            "confirm_label": _("Merge"),
        }
        return TemplateResponse(request, "admin/athletes/athlete/merge.html", context)
