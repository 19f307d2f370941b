"""
What every admin page of an archive model shares: forms that refuse to overwrite a newer
version, a history of revisions with undo, tampered ids answered with a message or a 404
(never a 500), and a cap on how many rows one form may post.
"""

import re
from functools import cache

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import TabularInline, helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError, UniqueConstraint
from django.db.models.deletion import Collector
from django.forms.models import InlineForeignKeyField
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .context import describe
from .forms import VersionedForm
from .history import records_of_object
from .models import ArchiveModel, Revision
from .paging import page_asked
from .tokens import check_scope_token, scope_token
from .views import revision_detail

# The most rows one form may post: a championship's longest result list (a city marathon is
# imported by fixture, not typed). Django's DATA_UPLOAD_MAX_NUMBER_FIELDS is set to match.
MAX_FORMS = 1000

# Primary keys are 64-bit integers: anything else in a URL or a form is a tampered id.
MAX_PK = 2**63 - 1

REVISIONS_PER_PAGE = 20


def valid_pk(model, value):
    """`value` as `model`'s primary key, or None when it cannot be one."""
    try:
        pk = model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None
    if isinstance(pk, int) and not 0 < pk <= MAX_PK:
        return None
    return pk


class SafeAutocompleteMixin:
    """
    An autocomplete that ignores a tampered value (`athlete=abc`) instead of failing on it
    in the query that looks up the selected option's label; the form then says the choice
    is not valid.
    """

    # Query-string parameters added to the autocomplete's URL: {"sex": "W"} limits the
    # athletes offered to women (see `archive.admin.ArchiveAutocompleteJsonView`).
    url_parameters = None

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        value = [item for item in value if item in ("", None) or valid_pk(model, item)]
        return super().optgroups(name, value, attr)

    def get_url(self):
        url = super().get_url()
        if self.url_parameters:
            url += "?" + "&".join(f"{key}={value}" for key, value in self.url_parameters.items())
        return url


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """
    A many-to-many choice that refuses a tampered id (`sources=abc`, one beyond 64 bits) as
    not a valid choice before the query that looks the choices up: on SQLite, an integer
    beyond 64 bits in `pk__in` is an OverflowError, not an empty result.
    """

    def _check_values(self, value):
        if not self.to_field_name:
            model = self.queryset.model
            for pk in value if isinstance(value, list | tuple) else ():
                if valid_pk(model, pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeChangeList(ChangeList):
    """
    A changelist that answers an impossible date in its date hierarchy (year 99999999999999999999,
    December of year 9999, whose next month has no year) with Django's "invalid filter"
    page instead of a 500: Django turns only some of them into IncorrectLookupParameters.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


def cap_form_count(request):
    """A posted form count above MAX_FORMS is forged: refused before any form is built."""
    if request.method != "POST":
        return
    for key, value in request.POST.items():
        counted = key.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))
        if counted and (not value.isdigit() or int(value) > MAX_FORMS):
            raise BadRequest(f"{key}: at most {MAX_FORMS} rows per form.")


class SafeAutocompleteFields:
    """Choice fields and autocomplete widgets that survive tampered values (admins, inlines)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def with_read_version(fieldsets):
    """The fieldsets with the hidden `read_version` field in the first one."""
    names = {name for _title, options in fieldsets for name in _flatten(options["fields"])}
    if "read_version" in names or not fieldsets:
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], "read_version"]}), *rest]


def _flatten(fields):
    for item in fields:
        if isinstance(item, list | tuple):
            yield from item
        else:
            yield item


class InlineUniqueChecks:
    """
    An inline row's form checked against the unique constraints that name the inline's
    foreign key ("an athlete once per event"), which Django's inline forms leave out: a row
    another editor stored since the page was opened is a form error, not a failed save.
    """

    def validate_unique(self):
        super().validate_unique()
        keys = {
            name for name, field in self.fields.items() if isinstance(field, InlineForeignKeyField)
        }
        exclude = self._get_validation_exclusions()
        model = type(self.instance)
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and keys & set(constraint.fields):
                try:
                    constraint.validate(model, self.instance, exclude=exclude)
                except ValidationError as error:
                    self._update_errors(error)


@cache
def with_unique_checks(form):
    """`form` (an inline's form class) with InlineUniqueChecks, made once per class."""
    return type(form.__name__, (InlineUniqueChecks, form), {"__module__": form.__module__})


class RowBoundField(forms.BoundField):
    """
    A field in a row of a table (a tabular inline's, a list's editable column): its help is
    in the column's header or nowhere, never beside it, so it is described by its errors
    alone. Django's default points a screen reader at a help text of the field's own id,
    which such a table does not have.
    """

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        return described and " ".join(
            name for name in described.split() if not name.endswith("_helptext")
        )


def in_rows(form):
    """`form` (a class) as a row of a table: see `RowBoundField`."""
    return type(
        form.__name__, (form,), {"bound_field_class": RowBoundField, "__module__": form.__module__}
    )


class ArchiveInline(SafeAutocompleteFields):
    """Mixin for the inlines of archive models: versioned rows, at most MAX_FORMS of them."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        return with_read_version(super().get_fieldsets(request, obj))

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", MAX_FORMS)
        form = with_unique_checks(self.form)
        kwargs.setdefault("form", in_rows(form) if isinstance(self, TabularInline) else form)
        return super().get_formset(request, obj, **kwargs)


class ArchiveAdmin(SafeAutocompleteFields, admin.ModelAdmin):
    """
    The admin of an archive model. `history_children` names the rows edited on its page
    ([(model, foreign key name)]: an event's results) whose changes its history shows too.
    """

    form = VersionedForm
    history_children = ()

    def get_fieldsets(self, request, obj=None):
        return with_read_version(super().get_fieldsets(request, obj))

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_changelist_form(self, request, **kwargs):
        return in_rows(super().get_changelist_form(request, **kwargs))

    def get_object(self, request, object_id, from_field=None):
        field = (
            self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        )
        if field.primary_key and valid_pk(self.model, object_id) is None:
            return None
        return super().get_object(request, object_id, from_field)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        cap_form_count(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        cap_form_count(request)
        if self.list_editable and "_save" in request.POST and self._tampered_rows(request):
            self.message_user(
                request,
                _("The rows edited were not understood, so nothing was saved: edit them again."),
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def _tampered_rows(self, request):
        """
        Whether a row edited in the list (list_editable) has an id that cannot be one:
        Django looks the rows up by `pk__in`, which an id beyond 64 bits breaks on SQLite.
        """
        prefix = self.get_changelist_formset(request).get_default_prefix()
        posted_id = re.compile(rf"{re.escape(prefix)}-\d+-{re.escape(self.opts.pk.name)}$")
        return any(
            valid_pk(self.model, value) is None
            for key, value in request.POST.items()
            if posted_id.match(key)
        )

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(valid_pk(self.model, value) is None for value in selected):
            self.message_user(
                request,
                _("The selection was not understood, so nothing was done: select again."),
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    # Each admin write is one revision (revisions.middleware); these name it.

    def log_addition(self, request, obj, message):
        describe(comment=_("Added %(object)s.") % {"object": _label(obj)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        describe(comment=_("Changed %(object)s.") % {"object": _label(obj)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        names = ", ".join(_label(obj) for obj in queryset)
        describe(
            kind=Revision.Kind.DELETE,
            comment=_("Deleted %(objects)s, with every row that went with it.")
            % {"objects": names},
        )
        return super().log_deletions(request, queryset)

    # A delete confirmed on a page shown before another editor changed, added or deleted one
    # of the rows it takes would take their work unseen: the page carries a token of those
    # rows (revisions.tokens), and a delete that finds them changed is refused, saying how.

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and request.POST.get("post"):
            with transaction.atomic(using=router.db_for_write(self.model)):
                obj = self.get_object(request, unquote(object_id))
                if obj is not None and self._changed_since_shown(request, [obj]):
                    return HttpResponseRedirect(request.get_full_path())
                return super().delete_view(request, object_id, extra_context)
        response = super().delete_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None)
        if context and context.get("object") is not None:
            context["token"] = delete_token([context["object"]])
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _action, name, description = actions["delete_selected"]
            actions[name] = (delete_selected_if_unchanged, name, description)
        return actions

    def _changed_since_shown(self, request, objs):
        """Whether the rows deleting `objs` takes changed since the page was shown; says how."""
        try:
            check_scope_token(request.POST.get("token"), delete_scopes(objs))
        except ValidationError as error:
            # What changed, after a first line of the delete's own (a token that is none is
            # said as it is).
            lines = error.messages
            if getattr(error, "code", None) != "altered":
                first = _(
                    "Since this page was shown, others changed the rows this delete takes: "
                    "nothing was deleted. Check them as they are now and confirm again."
                )
                lines = [first, *lines[1:]]
            for line in lines:
                self.message_user(request, line, messages.ERROR)
            return True
        except (ProtectedError, RestrictedError):
            pass  # Django's own page says what protects them
        return False

    def get_deleted_objects(self, objs, request):
        """
        What a delete takes, as Django lists and counts it, less the rows no editor sees:
        the tables derived from the results, the search index and the links of citations
        go with the rows they belong to, and their lines ("Listed mark: 59 9580") say
        nothing an editor could act on.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        unseen = [
            model._meta
            for model in apps.get_models(include_auto_created=True)
            if not issubclass(model, ArchiveModel)
        ]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in unseen)
        plurals = {str(opts.verbose_name_plural) for opts in unseen}
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return _lines_without(deleted, prefixes), counts, perms_needed, protected

    def history_view(self, request, object_id, extra_context=None):
        """Every revision of this row and the rows edited on its page, newest first."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        groups = records_of_object(obj, self.history_children)
        # `?page=0` or junk is the newest page, as on the public lists; past the end, the oldest.
        page = Paginator(groups, REVISIONS_PER_PAGE).get_page(page_asked(request.GET.get("page")))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "module_name": capfirst(self.model._meta.verbose_name_plural),
            "page": page,
            "can_undo": request.user.has_perm("revisions.change_revision"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/revisions/object_history.html", context)


def delete_scopes(objs):
    """
    The archive's rows that deleting `objs` takes, as Django collects them: [(model,
    filters)] for `revisions.tokens`. Raises ProtectedError when a row protects them.
    """
    objs = list(objs)
    if not objs:
        return []
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    return [
        (model, {"pk__in": sorted(row.pk for row in rows)})
        for model, rows in collector.data.items()
        if issubclass(model, ArchiveModel)
    ]


def delete_token(objs):
    """The token of the rows a delete's confirmation lists; none where a row protects them."""
    try:
        return scope_token(delete_scopes(objs))
    except (ProtectedError, RestrictedError):
        return ""


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_if_unchanged(modeladmin, request, queryset):
    """Django's "delete selected", refused when the rows changed since it was confirmed."""
    if request.POST.get("post"):
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            if modeladmin._changed_since_shown(request, queryset):
                return None
            return delete_selected(modeladmin, request, queryset)
    response = delete_selected(modeladmin, request, queryset)
    if getattr(response, "context_data", None) is not None:
        response.context_data["token"] = delete_token(queryset)
    return response


def _lines_without(lines, prefixes):
    """
    Django's nested list of the rows a delete takes (each line, then the list of the rows
    that go with it) less the lines starting with `prefixes` and the rows under them.
    """
    kept, skipped = [], False
    for line in lines:
        if isinstance(line, list):
            children = [] if skipped else _lines_without(line, prefixes)
            if children:
                kept.append(children)
            continue
        skipped = str(line).startswith(prefixes)
        if not skipped:
            kept.append(line)
    return kept


def _label(obj):
    return f"{obj._meta.verbose_name} “{obj}”"


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """The recent changes of every editor, each with what it changed and an undo."""

    list_display = ["created_at", "user", "kind", "short_comment", "undone_by"]
    list_filter = ["kind", "user"]
    list_select_related = ["user", "undone_by"]
    search_fields = ["comment"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("what"))
    def short_comment(self, revision):
        return revision.summary

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change permission is what undoing needs; the rows themselves never change.
        return False

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_object(self, request, object_id, from_field=None):
        if valid_pk(Revision, object_id) is None:
            return None
        return super().get_object(request, object_id, from_field)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return revision_detail(self, request, object_id)
