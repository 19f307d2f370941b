"""
The values a browser would submit for each form of a page: read from the HTML, for the test
client (`tests.helpers.form_data`) and the reliability suite's HTTP client alike. No Django
import, so the reliability harness can use it outside a configured project.
"""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The values a browser would submit for each form of a page, by form id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = {}
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(attrs.get("id") or len(self.forms), {})
        elif self.current is None:
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            name = attrs.get("name")
            if not name or kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
            self.current.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self._add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""

    def _add(self, name, value):
        values = self.current.get(name)
        if values is None:
            self.current[name] = value
        elif isinstance(values, list):
            values.append(value)
        else:
            self.current[name] = [values, value]

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            # Browsers drop one newline after <textarea>.
            text = self.current[self.textarea] + data
            self.current[self.textarea] = text.removeprefix("\n")


def read_forms(html):
    reader = _FormReader()
    reader.feed(html)
    # Django's empty inline form (the template a browser clones) is never submitted.
    return {
        form_id: {key: value for key, value in fields.items() if "__prefix__" not in key}
        for form_id, fields in reader.forms.items()
    }
