"""
No 500 for stale or tampered input: every URL of the archive's admin, every form it shows and
every action it offers, sent by an editor with ids and values no browser of the admin's
sends, answers a 4xx, a redirect or a page with a form error.

The URLs come from the admin site's registry and each ModelAdmin's `get_urls()`, so a model
or a page added later is swept without a change here.
"""

import re
import traceback
from collections import Counter
from urllib.parse import parse_qsl, urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, AdminForm, InlineAdminFormSet
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms import BaseForm, BaseFormSet, ModelChoiceField
from django.urls import URLPattern, get_resolver, reverse

from athletes.models import Athlete
from results.models import Discipline, Event, Result
from revisions.context import revision
from revisions.models import Revision

from .factories import AthleteFactory, EventFactory
from .helpers import change_url, editor_session, form_data, opened
from .page_forms import read_forms

pytestmark = pytest.mark.django_db

# Ids in a URL: not a number, negative, out of range, a null byte, a quote.
TAMPERED_IDS = ["abc", "-1", "99999999999999999999", "%00", "1%27"]
# Values of a foreign key or many-to-many field in a form.
TAMPERED_CHOICES = ["abc", "99999999999999999999", "-1"]
# Values of every field of a form at once.
TAMPERED_VALUES = ["abc", "99999999999999999999", "\x00"]
# Values of a query-string parameter.
TAMPERED_PARAMETERS = ["abc", "-1", "99999999999999999999", "\x00", "1'"]
# Selections of an action.
TAMPERED_SELECTIONS = [["abc"], ["99999999999999999999"], ["-1"], ["\x00"]]
# Dates of a changelist's date hierarchy: out of range, the last day there is.
DATES = [("9999", "12", "31"), ("9999", "12", ""), ("1", "0", "0"), ("2000", "2", "30")]
# Query strings any admin page may be sent.
TAMPERED_QUERIES = [
    "_to_field=abc",
    "_to_field=id&_popup=1",
    "_to_field=password&_popup=1",
    "_popup=abc",
    "_changelist_filters=abc%3D%00",
    "page=abc",
    "p=abc",
    "p=-1",
    "p=99999999999999999999",
    "o=abc",
    "o=99",
    "o=1.-2.abc",
    "q=%00",
    "q=abc%27",
    "all=abc",
    "e=1",
    "_facets=abc",
    "abc=1",
]
# Parameters a page of the admin may send with a confirmation.
CONFIRMATIONS = {"post": "yes", "confirm": "1", "keep": "abc", "token": "abc", "undo": "1"}
# Logging out would sweep the rest of the site as a visitor: only its URL is swept.
LOGOUT = "logout"


class Sweep:
    """Requests sent as one editor, each in a transaction rolled back, and the 5xx among them."""

    def __init__(self, client):
        self.client = client
        self.tried = 0
        self.statuses = Counter()
        self.failures = []

    def get(self, url, data=None, tampered=None):
        return self.send("get", url, data, tampered)

    def post(self, url, data=None, tampered=None):
        return self.send("post", url, data, tampered)

    def send(self, method, url, data, tampered=None):
        """`tampered` names what was tampered in `data`, for the report (else all of it)."""
        self.tried += 1
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data or {})
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - every exception a view lets out is a 500
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(
                f"{method.upper()} {url} {tampered or data!r}: {error!r}"
                f" at {where.filename}:{where.lineno}"
            )
            return None
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{method.upper()} {url} {tampered or data!r}: {response.status_code}"
            )
        return response

    def assert_no_5xx(self):
        print(f"\n{self.tried} requests swept: {dict(sorted(self.statuses.items()))}")
        assert not self.failures, "\n".join(self.failures)


@pytest.fixture
def sweep(perez):
    client = editor_session("sweeper")
    # A revision for the recent-changes pages.
    with revision(kind=Revision.Kind.EDIT, user=User.objects.get(username="sweeper")):
        AthleteFactory(given_name="Sweep", family_name="Target")
    return Sweep(client)


# What the admin serves -----------------------------------------------------------------------


def admin_prefix():
    return reverse("admin:index")


def route_urls(route, values):
    """
    The URLs of a route ("<path:object_id>/change/") with its parameters given: each one
    in turn takes every tampered id while the others keep their value in `values`.
    """
    route = re.sub(r"^\^|\$$", "", route)
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
    names = [converter or group for converter, group in names]

    def url(given):
        def value(match):
            name = match.group(1) or match.group(2)
            return str(given[name])

        return re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", value, route)

    if not names:
        return [], url({})
    valid = url({name: values.get(name, "1") for name in names})
    tampered = [
        url({**{other: values.get(other, "1") for other in names}, name: tampered_id})
        for name in names
        for tampered_id in TAMPERED_IDS
    ]
    return tampered, valid


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def site_routes():
    """The admin site's own routes and the project's other pages under the admin's prefix."""
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLPattern):
            route = str(pattern.pattern).removeprefix("^").removesuffix("$")
            yield pattern.name, admin_prefix() + route
    prefix = admin_prefix().lstrip("/")
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLPattern) and route.startswith(prefix):
            yield pattern.name, "/" + route


# What a page holds ---------------------------------------------------------------------------


def forms_of(response):
    """Every form and formset form the page's context holds (the change form, inlines…)."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            found.extend(_forms_in(value))
    unique = {id(form): form for form in found}
    return list(unique.values())


def _forms_in(value):
    if isinstance(value, AdminForm):
        return [value.form]
    if isinstance(value, InlineAdminFormSet):
        return list(value.formset.forms)
    if isinstance(value, BaseFormSet):
        return list(value.forms)
    if isinstance(value, BaseForm):
        return [value]
    if isinstance(value, ChangeList) and value.formset is not None:
        return list(value.formset.forms)
    if isinstance(value, list | tuple):
        return [form for item in value for form in _forms_in(item)]
    return []


def choice_keys(response):
    """
    The submitted names of every foreign key and many-to-many field on the page. The rows of
    a formset are forms of one class: its first and last rows (a saved row and a blank one,
    where it has both) stand for the others.
    """
    keys = {
        form.add_prefix(name)
        for form in forms_of(response)
        for name, field in form.fields.items()
        if isinstance(field, ModelChoiceField)
    }
    kept, rows = set(), {}
    for key in keys:
        if match := re.fullmatch(r"(.+)-(\d+)-([^-]+)", key):
            rows.setdefault((match[1], match[3]), []).append(int(match[2]))
        else:
            kept.add(key)
    for (prefix, name), found in rows.items():
        kept.update(f"{prefix}-{row}-{name}" for row in (min(found), max(found)))
    return sorted(kept)


def submit_names(response):
    return set(re.findall(r'type="submit"[^>]*name="(\w+)"', response.content.decode()))


def page_form(response):
    """
    What the page's main form (the one with the most fields: not the header's log-out
    form) submits, with its submit buttons pressed.
    """
    forms = [
        form
        for form in read_forms(response.content.decode()).values()
        if "csrfmiddlewaretoken" in form
    ]
    if not forms:
        return None
    main = max(forms, key=len)
    data = {key: value for key, value in main.items() if value != []}
    return {**data, **dict.fromkeys(submit_names(response), "1")}


def tampered_forms(response):
    """The page's form with each choice field tampered, then with every field tampered."""
    data = page_form(response)
    if data is None:
        return
    for key in choice_keys(response):
        for value in TAMPERED_CHOICES:
            yield f"{key}={value!r}", {**data, key: value}
    counts = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
    for value in TAMPERED_VALUES:
        yield (
            f"every field={value!r}",
            {
                key: value if key != "csrfmiddlewaretoken" and not key.endswith(counts) else current
                for key, current in data.items()
            },
        )


def filter_queries(response):
    """The changelist's filter, sort and page links with each parameter tampered."""
    links = set(re.findall(r'href="\?([^"]*)"', response.content.decode()))
    parameters = {
        key
        for link in links
        for key, _value in parse_qsl(link.replace("&amp;", "&"), keep_blank_values=True)
    }
    return [urlencode({key: value}) for key in sorted(parameters) for value in TAMPERED_PARAMETERS]


def valid_id(model):
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


# The sweep -----------------------------------------------------------------------------------


def sweep_route(sweep, route, values):
    """A route's URLs with tampered ids (GET and POST), and its valid URL with tampered queries."""
    tampered, valid = route_urls(route, values)
    for url in tampered:
        sweep.get(url)
        sweep.post(url, {**CONFIRMATIONS, "_save": "1"})
    for query in TAMPERED_QUERIES:
        sweep.get(f"{valid}?{query}")
    return valid


def sweep_page_forms(sweep, url):
    """GET a page, then POST its forms tampered."""
    response = sweep.get(url)
    if response is None or response.status_code != 200:
        return response
    for tampered, data in tampered_forms(response):
        sweep.post(url, data, tampered)
    return response


def sweep_changelist(sweep, url, model_admin):
    response = sweep.get(url)
    if response is None or response.status_code != 200:
        return
    for query in filter_queries(response):
        sweep.get(f"{url}?{query}")
    if model_admin.date_hierarchy:
        for year, month, day in DATES:
            field = model_admin.date_hierarchy
            sweep.get(url, {f"{field}__year": year, f"{field}__month": month, f"{field}__day": day})
    action_form = response.context.get("action_form")
    choices = action_form.fields["action"].choices if action_form else []
    actions = [name for name, _label in choices if name]
    pk = (
        str(response.context["cl"].result_list[0].pk)
        if response.context["cl"].result_count
        else "1"
    )
    for action in actions:
        for selection in [*TAMPERED_SELECTIONS, [pk, "abc"], [pk, "99999999999999999999"]]:
            data = {"action": action, ACTION_CHECKBOX_NAME: selection, "index": "0"}
            sweep.post(url, data)
            sweep.post(url, {**data, **CONFIRMATIONS})
        sweep.post(url, {"action": action, "select_across": "abc", "index": "abc"})
        sweep.post(url, {"action": action, ACTION_CHECKBOX_NAME: [pk], "index": "abc"})
    sweep.post(url, {"action": "abc", ACTION_CHECKBOX_NAME: [pk], "index": "0"})
    # The rows edited in the list itself (list_editable).
    if response.context["cl"].formset is not None:
        data = {**form_data(response, form_id="changelist-form"), "_save": "1"}
        for key in choice_keys(response):
            for value in TAMPERED_CHOICES:
                sweep.post(url, {**data, key: value}, f"{key}={value!r}")


@pytest.mark.parametrize(
    "model", [model for model, _admin in registered_admins()], ids=lambda m: m._meta.label
)
def test_no_admin_page_of_a_model_answers_5xx_to_tampered_input(sweep, model):
    model_admin = admin.site._registry[model]
    prefix = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    values = {"object_id": valid_id(model), "id": valid_id(model)}
    for pattern in model_admin.get_urls():
        url = sweep_route(sweep, prefix + str(pattern.pattern), values)
        view = (pattern.name or "").removeprefix(
            f"{model._meta.app_label}_{model._meta.model_name}_"
        )
        if view == "changelist":
            sweep_changelist(sweep, url, model_admin)
        elif view != "delete":
            sweep_page_forms(sweep, url)
    sweep.assert_no_5xx()


def test_no_page_of_the_admin_site_answers_5xx_to_tampered_input(sweep):
    values = {
        "content_type_id": ContentType.objects.get_for_model(Athlete).pk,
        "object_id": valid_id(Athlete),
        "app_label": "athletes",
    }
    for name, route in site_routes():
        url = sweep_route(sweep, route, values)
        if name == LOGOUT:
            continue
        sweep_page_forms(sweep, url)
    sweep.assert_no_5xx()


def autocomplete_sources():
    """(app label, model name, field name) of every autocomplete field of the admin."""
    for model, model_admin in registered_admins():
        for admin_ in [model_admin, *model_admin.inlines]:
            source = getattr(admin_, "model", model)
            for field_name in getattr(admin_, "autocomplete_fields", ()):
                yield source._meta.app_label, source._meta.model_name, field_name


def test_the_autocomplete_answers_no_5xx_to_tampered_parameters(sweep):
    url = reverse("admin:autocomplete")
    junk = ["", "abc", "%00", "auth", "athletes.athlete", "1'"]
    for app_label, model_name, field_name in set(autocomplete_sources()):
        valid = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        sweep.get(url, valid)
        for key in valid:
            for value in junk:
                sweep.get(url, {**valid, key: value})
        sweep.get(url, {**valid, "field_name": "id"})
        sweep.get(url, {**valid, "field_name": "version"})
        for key in ("term", "page", "sex"):
            for value in TAMPERED_PARAMETERS:
                sweep.get(url, {**valid, key: value})
        sweep.post(url, valid)
    sweep.get(url, {"app_label": "auth", "model_name": "user", "field_name": "groups"})
    sweep.assert_no_5xx()


SHEETS = {
    "20KW": "1. Jefferson Pérez (ECU) 1:20:07\n9. Nuevo Marchista (ECU) 1:25:00",
    # A sprint's rows have a wind and a hand-timed box too.
    "100": "1. Nuevo Velocista (ECU) 10.1h (+1.2)\n2 Otro Velocista ECU 10.2 w",
}


@pytest.mark.parametrize("code", SHEETS)
def test_the_paste_answers_no_5xx_to_tampered_rows(sweep, code):
    event = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    if code != "20KW":
        event = EventFactory(
            competition=event.competition, discipline=Discipline.objects.get(code=code)
        )
    url = reverse("admin:results_event_paste", args=[event.pk])
    preview = sweep.post(url, {"lines": SHEETS[code], "preview": "1"})
    assert preview.status_code == 200
    data = form_data(preview, form_id="paste-rows")
    rows = {key for key in data if re.match(r"form-\d+-", key)}
    for value in TAMPERED_VALUES + TAMPERED_CHOICES:
        for key in rows:
            sweep.post(url, {**data, key: value, "save": "1"}, f"{key}={value!r}")
    for tampered, data in tampered_forms(preview):
        sweep.post(url, data, tampered)
    sweep.post(url, {"lines": "\x00", "preview": "1"})
    sweep.assert_no_5xx()


# Stale input ---------------------------------------------------------------------------------


def test_a_second_editor_adding_the_same_athlete_to_an_event_gets_a_form_error(perez):
    event = Event.objects.get_by_natural_key("olympic-games-1996", "20KW", "M", "final")
    newcomer = AthleteFactory(given_name="Late", family_name="Entrant")
    editor = editor_session("second")
    data = opened(editor, event)
    row = int(data["results-INITIAL_FORMS"])
    data.update(
        {
            f"results-{row}-athlete": str(newcomer.pk),
            f"results-{row}-mark": "1:30:00",
            f"results-{row}-status": Result.Status.FINISHED,
            "_continue": "1",
        }
    )
    # The first editor's row is saved meanwhile.
    Result.objects.create(event=event, athlete=newcomer, mark=5_400_000, country=perez.country)

    response = editor.post(change_url(event), data)

    assert response.status_code == 200, "the second save shows a form error"
    errors = " ".join(str(error) for error in response.context["errors"])
    assert f"{newcomer.name} already has a result in this event." in errors
    assert Result.objects.filter(event=event, athlete=newcomer).count() == 1


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (reverse("admin:athletes_athlete_changelist"), "q"),
        (reverse("admin:results_result_changelist"), "q"),
        (reverse("admin:autocomplete"), "term"),
    ],
)
def test_an_admin_search_longer_than_any_name_is_refused_saying_which(editor_client, url, name):
    # SQLite refused the LIKE pattern of a 60,000-letter search: a server error.
    response = editor_client.get(url, {name: "a" * 60_000})
    assert response.status_code == 400
    assert f"“{name}” is longer than 1000 characters." in response.content.decode()
    response = editor_client.get(url, {name: "a\x00b"})
    assert response.status_code == 400
    assert f"“{name}” holds a NUL character." in response.content.decode()
