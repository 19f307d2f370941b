"""What several test modules need: the archive's tables, their row counts, loading fixtures."""

from html.parser import HTMLParser

from django.apps import apps
from django.core.management import call_command
from django.utils.datastructures import MultiValueDict

from revisions.models import ArchiveModel


def archive_models():
    """
    The archive's data tables, many-to-many citations included: not the historical
    snapshots (`revisions`) nor the cache's version counter.
    """
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        if isinstance(owner, type) and issubclass(owner, ArchiveModel):
            yield model


def row_counts():
    """Rows per archive table, by lower-case label ("results.result")."""
    return {model._meta.label_lower: model.objects.count() for model in archive_models()}


def load(*fixtures, **options):
    """`manage.py loaddata` of fixture files or names, quietly."""
    call_command("loaddata", *map(str, fixtures), verbosity=0, **options)


class _FormReader(HTMLParser):
    """The values a browser would submit for the forms of a page, by form id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = {}
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(
                attrs.get("id") or len(self.forms), MultiValueDict()
            )
        elif self.current is None:
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            name = attrs.get("name")
            if not name or kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.current.appendlist(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and attrs.get("name"):
            self.select = (attrs["name"], "multiple" in attrs)
            self.current.setlist(attrs["name"], [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.current.appendlist(self.select[0], attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current.setlist(self.textarea, [""])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            value = self.current.getlist(self.textarea)
            # Browsers drop one newline after <textarea>.
            text = value[-1] + data
            self.current.setlist(self.textarea, [text.removeprefix("\n")])


def form_data(response, form_id=None):
    """
    What the page's form (`form_id`, else the first one with a CSRF token) submits as it
    stands, as a dict for the test client: the data an editor's browser holds.
    """
    reader = _FormReader()
    reader.feed(response.content.decode())
    forms = reader.forms
    if form_id is None:
        form_id = next(key for key, form in forms.items() if "csrfmiddlewaretoken" in form)
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in forms[form_id].lists()
        if values
    }
