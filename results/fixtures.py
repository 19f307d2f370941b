"""
Loading natural-key fixtures into an archive that already holds data: merge, never blank.

An archive grows by fixture files written by different people at different times, and the
same rows turn up in many of them (a rival named in every file of the athletes he raced, a
competition shared by a whole field). Django's own `loaddata` overwrites a stored row with
whatever the last file says, blanks included, and skips validation. `load_fixtures()` merges
instead, as DESIGN.md ("Fixtures") asks:

* an empty incoming value (blank text, null, an empty list, a flag at its default) keeps
  the stored value; an equal value changes nothing; a different value is a conflict,
  reported with the file, the object's natural key, the field and both values, and nothing
  is written, unless the load is told to `update`, when the file wins (a flag it writes
  too, at its default or not; blanks and nulls still blank nothing);
* citations (many-to-many sources) are added to, never dropped, unless updating;
* references are resolved across every file of one call and the archive, model by model in
  dependency order, so files load in any order and give the same archive;
* every object passes `full_clean()` and every event it touches passes the rules across its
  result list (`results.rules`), the same rules the admin and the paste run;
* any problem stops the load with a message naming file, object and field, and the whole
  load is one transaction.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import normalize_newlines

from athletes.models import Athlete, problems_of_rows
from revisions.context import revision
from revisions.models import Revision, one_snapshot
from revisions.writers import wait_for_writers

from . import marks
from .bestmarks import deferred
from .marks import parse_wind
from .models import Result
from .rules import result_list_problems

# The fields whose values make up each model's natural key, in `natural_key()` order; a
# foreign key contributes the natural key of the row it names.
NATURAL_KEY_FIELDS = {
    "athletes.country": ["code"],
    "athletes.source": ["slug"],
    "athletes.athlete": ["slug"],
    "athletes.alias": ["athlete", "name"],
    "athletes.highlight": ["athlete", "position"],
    "results.discipline": ["code"],
    "results.championship": ["slug"],
    "results.competition": ["slug"],
    "results.event": ["competition", "discipline", "sex", "round"],
    "results.result": ["event", "athlete"],
    "results.barrier": ["discipline", "sex", "mark"],
    "results.claim": ["athlete", "position"],
}


class FixtureError(Exception):
    """A load refused, with every problem found; nothing was written."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Incoming:
    """One object of one file, as read."""

    path: str
    number: int
    model: type
    fields: dict
    key: tuple = ()

    @property
    def label(self):
        return self.model._meta.label_lower

    def describe(self):
        return f"{self.path}: {self.label} {show_key(self.key)}"


@dataclass
class Target:
    """A row of the archive as this load leaves it: stored or new, and who set each field."""

    instance: models.Model
    stored: bool
    set_by: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    changed: bool = False
    # {file: number of the object in it}: the files that name this row, in load order.
    files: dict = field(default_factory=dict)


def show_key(key):
    return json.dumps(list(key), ensure_ascii=False)


def show_value(value):
    if isinstance(value, models.Model):
        return show_key(value.natural_key())
    if value in (None, ""):
        return "(empty)"
    return json.dumps(value, ensure_ascii=False, default=str)


def find_fixture(label):
    """The file a label names: a path, or a name in FIXTURE_DIRS (`countries`)."""
    path = Path(label)
    if path.is_file():
        return path
    for directory in settings.FIXTURE_DIRS:
        for candidate in (Path(directory) / label, Path(directory) / f"{label}.json"):
            if candidate.is_file():
                return candidate
    raise FixtureError([f"{label}: no such fixture file (nor in {settings.FIXTURE_DIRS[0]})."])


def read_file(path):
    """The objects of one JSON fixture file; FixtureError names line and column of a typo."""
    try:
        # A byte-order mark, as some editors write one, is no part of the JSON.
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FixtureError(
            [
                f"{path}: byte {error.start} is not UTF-8. Save the file as UTF-8 "
                "(the only encoding JSON allows); nothing was loaded."
            ]
        ) from None
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as error:
        raise FixtureError(
            [
                f"{path}: {json_mistake(text, error)}. "
                "The file is not valid JSON; nothing was loaded."
            ]
        ) from None
    if not isinstance(entries, list):
        raise FixtureError([f"{path}: a fixture is a JSON list of objects."])
    problems, objects = [], []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: object {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
            problems.append(f'{where}: write {{"model": "app.model", "fields": {{...}}}}.')
            continue
        label = str(entry.get("model", "")).lower()
        if label not in NATURAL_KEY_FIELDS:
            problems.append(
                f"{where}: unknown model {entry.get('model')!r}; known: "
                + ", ".join(NATURAL_KEY_FIELDS)
                + "."
            )
            continue
        if "pk" in entry:
            problems.append(
                f"{where} ({label}) has a numeric pk: archive fixtures use natural keys only."
            )
            continue
        objects.append(Incoming(str(path), number, apps.get_model(label), entry["fields"]))
    if problems:
        raise FixtureError(problems)
    return objects


def _line_and_column(text, position):
    """Where `position` is in `text`, counted from 1 as `json.JSONDecodeError` counts."""
    line = text.count("\n", 0, position) + 1
    return line, position - text.rfind("\n", 0, position)


def _open_brackets(text, end):
    """The brackets open at `end` of a valid start of a JSON text, outermost first."""
    opened, in_string, escaped = [], False, False
    for position, char in enumerate(text[:end]):
        if escaped:
            escaped = False
        elif in_string:
            escaped = char == "\\"
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            opened.append(position)
        elif char in "]}":
            opened.pop()
    return opened


CLOSING = {"[": "]", "{": "}"}


def json_mistake(text, error):
    """
    What is wrong at a `json.JSONDecodeError`, and where, in the words of someone who edits
    a fixture by hand: the usual slips (a comma after the last item, a comma left out,
    single quotes, a key without quotes, a file cut short or empty) said plainly; any
    other mistake in Python's words, at its line and column.
    """
    if not text.strip():
        return "the file is empty: a fixture is a JSON list of objects"
    position = error.pos
    line, column = error.lineno, error.colno
    before = text[:position].rstrip()
    char = text[position : position + 1]
    if not text[position:].strip() and (opened := _open_brackets(text, len(before))):
        brackets = " and ".join(
            f"the '{text[start]}' of line {_line_and_column(text, start)[0]}" for start in opened
        )
        closers = "".join(CLOSING[text[start]] for start in reversed(opened))
        closed = "is" if len(opened) == 1 else "are"
        ending = f"the file ends before {brackets} {closed} closed: end it with '{closers}'"
        if before.endswith(","):
            comma_line, comma_column = _line_and_column(text, len(before) - 1)
            ending += f", without the comma of line {comma_line}, column {comma_column}"
        return ending
    if char in ("]", "}") and before.endswith(","):
        comma_line, comma_column = _line_and_column(text, len(before) - 1)
        item = "field" if char == "}" else "item"
        return (
            f"line {comma_line}, column {comma_column}: a comma after the last {item}, before "
            f"the '{char}' of line {line}: remove the comma"
        )
    if char == "'":
        return (
            f"line {line}, column {column}: single quotes (') where JSON takes double quotes"
            ' (") around keys and text'
        )
    if error.msg.startswith("Expecting property name") and (
        key := re.match(r"\w+", text[position:])
    ):
        return f'line {line}, column {column}: the key {key[0]} has no quotes: write "{key[0]}"'
    if error.msg == "Expecting ',' delimiter" and (char in ("[", "{", '"', "-") or char.isdigit()):
        innermost = text[_open_brackets(text, position)[-1]]
        this = "field" if innermost == "{" else "object" if char == "{" else "item"
        previous_line, previous_column = _line_and_column(text, len(before) - 1)
        return (
            f"line {line}, column {column}: a comma is missing between this {this} and the one "
            f"before it: add one after the '{before[-1]}' of line {previous_line}, column "
            f"{previous_column}"
        )
    return f"line {line}, column {column}: {error.msg}"


def dependency_order(models_present):
    """The models in an order where every model comes after those it refers to."""
    ordered, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for related in _relations(model):
            if related.related_model in models_present:
                visit(related.related_model)
        ordered.append(model)

    for label in NATURAL_KEY_FIELDS:
        model = apps.get_model(label)
        if model in models_present:
            visit(model)
    return ordered


def _relations(model):
    return [f for f in [*model._meta.concrete_fields, *model._meta.many_to_many] if f.is_relation]


class Loader:
    def __init__(self, update=False):
        self.update = update
        self.problems = []
        self.targets = {}
        self.touched_events = {}

    # Reading values --------------------------------------------------------------------

    def resolve(self, obj, field_obj, value):
        """The row a natural key names, in this load or the archive; else None and a problem."""
        related = field_obj.related_model
        if isinstance(value, str | int) and not isinstance(value, bool):
            hint = show_key([value]) if isinstance(value, str) else "its natural key"
            self.problems.append(
                f"{obj.describe()}: {field_obj.name} {show_value(value)}: write the key as a "
                f"list, {hint}; numeric primary keys are not used in archive fixtures."
            )
            return None
        if not isinstance(value, list) or not all(
            isinstance(part, str | int) and not isinstance(part, bool) for part in value
        ):
            self.problems.append(
                f"{obj.describe()}: {field_obj.name} {show_value(value)}: write the key as a "
                'list of texts and numbers, ["olympic-games-1996"] (`manage.py archive_keys` '
                "lists the keys the archive holds)."
            )
            return None
        key = tuple(value)
        target = self.targets.get((related._meta.label_lower, key))
        if target is not None:
            return target.instance
        try:
            instance = related._default_manager.get_by_natural_key(*key)
        except (related.DoesNotExist, TypeError, ValueError):
            instance = None
        if instance is None:
            noun = related._meta.verbose_name
            self.problems.append(
                f"{obj.describe()}: {field_obj.name} {show_key(key)}: this {noun} is neither "
                "in the archive nor in the files being loaded. Add it to the file before the "
                "objects that name it, or correct the key (`manage.py archive_keys` lists "
                "the keys the archive holds)."
            )
            return None
        self.targets[(related._meta.label_lower, key)] = Target(instance, stored=True)
        return instance

    def natural_key_of(self, obj):
        key = []
        for name in NATURAL_KEY_FIELDS[obj.label]:
            value = obj.fields.get(name)
            if value is None:
                default = obj.model._meta.get_field(name).get_default()
                value = default if default not in (None, "") else None
            if value is None:
                self.problems.append(
                    f"{obj.path}: object {obj.number} ({obj.label}) has no {name}, part of "
                    "its natural key."
                )
                return None
            key.extend(value if isinstance(value, list) else [value])
        if not all(isinstance(part, str | int) and not isinstance(part, bool) for part in key):
            self.problems.append(
                f"{obj.path}: object {obj.number} ({obj.label}): its natural key "
                f"{show_value(key)} holds something other than texts and numbers: write "
                'each key as a list of them, ["olympic-games-1996"].'
            )
            return None
        return tuple(key)

    def convert(self, obj, field_obj, value, event=None):
        """A JSON value as the field holds it; None and a problem when it cannot be."""
        if value is None:
            return None
        if field_obj.is_relation:
            return self.resolve(obj, field_obj, value)
        name = field_obj.name
        if obj.model is Result and name == "mark":
            return self.convert_mark(obj, value, event)
        if obj.model is Result and name == "wind" and isinstance(value, str):
            # Read as the admin reads it (`WindField`): "+2,1", "−0.4", "–0.4".
            try:
                return parse_wind(value)
            except ValidationError as error:
                self.problems.append(f"{obj.describe()}: wind: {' '.join(error.messages)}")
                return None
        if isinstance(field_obj, models.BooleanField) and not isinstance(value, bool):
            self.problems.append(
                f"{obj.describe()}: {name} {show_value(value)}: write true or false."
            )
            return None
        if isinstance(field_obj, models.IntegerField) and not (
            isinstance(value, int) and not isinstance(value, bool)
        ):
            self.problems.append(
                f"{obj.describe()}: {name} {show_value(value)}: a whole number is expected."
            )
            return None
        if isinstance(value, list | dict):
            self.problems.append(
                f"{obj.describe()}: {name} {show_value(value)}: a single value is expected."
            )
            return None
        if isinstance(field_obj, models.DecimalField):
            if isinstance(value, bool):
                self.problems.append(
                    f"{obj.describe()}: {name} {show_value(value)}: a number is expected."
                )
                return None
            if isinstance(value, float):
                # As written in the file: 1.2, not the binary 1.19999… that a float holds.
                value = repr(value)
        if isinstance(field_obj, models.DateField | models.TimeField) and not isinstance(
            value, str
        ):
            self.problems.append(
                f'{obj.describe()}: {name} {show_value(value)}: write a date as text, "2001-08-05".'
            )
            return None
        if value == "" and field_obj.blank:
            return ""
        if isinstance(field_obj, models.TextField) and isinstance(value, str):
            # The archive keeps "\n" (`normalize_newlines` in the models' clean()): a text
            # written with Windows line endings says the same and must load again unchanged.
            value = normalize_newlines(value)
        if field_obj.choices and value not in {choice for choice, _label in field_obj.choices}:
            allowed = ", ".join(f"{choice} ({label})" for choice, label in field_obj.choices)
            self.problems.append(
                f"{obj.describe()}: {name} {show_value(value)} is not allowed; write one of "
                f"{allowed}."
            )
            return None
        try:
            return field_obj.to_python(value)
        except ValidationError as error:
            self.problems.append(f"{obj.describe()}: {name}: {' '.join(error.messages)}")
            return None

    def convert_mark(self, obj, value, event):
        """A mark as an integer in the discipline's unit, or as text the way sources print it."""
        if event is None:
            # The event is not found (said already): its discipline, which reads the mark,
            # is unknown, so the mark is neither right nor wrong yet.
            return None
        discipline = event.discipline
        if isinstance(value, str):
            try:
                return discipline.parse_mark(value)
            except ValidationError as error:
                self.problems.append(f"{obj.describe()}: mark: {' '.join(error.messages)}")
                return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(
                f"{obj.describe()}: mark {show_value(value)}: write the mark as the source prints "
                'it ("1:17:21") or as a whole number in the discipline\'s unit (milliseconds '
                "for times: 1:17:21 is 4641000; millimetres for distances: 8.95 is 8950; "
                "points for combined events)."
            )
            return None
        return value

    # Merging ---------------------------------------------------------------------------

    def merge(self, obj):
        """Fold one incoming object into the row its natural key names."""
        values, m2m = {}, {}
        event = None
        ordered = sorted(obj.fields.items(), key=lambda item: item[0] != "event")
        for name, raw in ordered:
            try:
                field_obj = obj.model._meta.get_field(name)
            except FieldDoesNotExist:
                self.problems.append(f"{obj.describe()}: {obj.label} has no field {name!r}.")
                continue
            if field_obj.many_to_many:
                if not isinstance(raw, list):
                    self.problems.append(f"{obj.describe()}: {name}: a list of keys is expected.")
                    continue
                m2m[name] = [self.resolve(obj, field_obj, item) for item in raw]
                continue
            if not field_obj.concrete or field_obj.primary_key or not field_obj.editable:
                self.problems.append(f"{obj.describe()}: {name} is derived, not loaded.")
                continue
            values[name] = self.convert(obj, field_obj, raw, event)
            if name == "event":
                event = values[name]
        written = obj.fields.get("mark")
        if obj.model is Result and isinstance(written, str) and values.get("mark") is not None:
            # A mark written as the source prints it keeps its decimals (3:45.10), unless
            # the file gives them itself.
            values.setdefault("decimals", marks.typed_decimals(written, event.discipline))
        target = self.targets.get((obj.label, obj.key))
        if target is None:
            target = self.find_or_create(obj)
        if obj.path in target.files:
            self.problems.append(
                f"{obj.describe()} appears twice in this file, as objects "
                f"{target.files[obj.path]} and {obj.number}: keep one."
            )
            return
        target.files[obj.path] = obj.number
        if obj.model is Result:
            self.merge_precision(obj, target, values)
        for name, value in values.items():
            self.merge_value(obj, target, name, value)
        for name, rows in m2m.items():
            rows = [row for row in rows if row is not None]
            if rows:
                target.m2m.setdefault(name, {"add": [], "replace": False})
                target.m2m[name]["add"].extend(rows)
                target.m2m[name]["replace"] |= self.update and target.stored
        if obj.model is Result and target.instance.event_id is not None:
            self.touched_events[target.instance.event_id] = target.instance.event

    def find_or_create(self, obj):
        try:
            instance = obj.model._default_manager.get_by_natural_key(*obj.key)
            target = Target(instance, stored=True)
        except (obj.model.DoesNotExist, TypeError, ValueError):
            target = Target(obj.model(), stored=False)
        self.targets[(obj.label, obj.key)] = target
        return target

    def merge_precision(self, obj, target, values):
        """
        A time given to fewer decimals than the archive's (or another file's of this call)
        is the same time when it is the finer one rounded up, as results are (a newspaper's
        26:49 is a statistician's 26:48.37): no conflict, and the finer one is kept,
        whichever came first. Any other difference is left to `merge_value`.
        """
        instance = target.instance
        mark, decimals = values.get("mark"), values.get("decimals")
        if None in (mark, decimals, instance.mark, instance.decimals):
            return
        if decimals == instance.decimals:
            return
        (coarse, coarse_mark), (fine, fine_mark) = sorted(
            [(decimals, mark), (instance.decimals, instance.mark)]
        )
        if marks.rounded_up(fine_mark, coarse) != coarse_mark:
            return
        del values["mark"], values["decimals"]
        if decimals == fine:
            instance.mark, instance.decimals = mark, decimals
            target.set_by["mark"] = target.set_by["decimals"] = obj.path
            target.changed = True

    def merge_value(self, obj, target, name, value):
        field_obj = obj.model._meta.get_field(name)
        current = getattr(target.instance, field_obj.attname)
        incoming = value.pk if isinstance(value, models.Model) else value
        # Updating, a flag the file writes wins, its default included (indoor false,
        # awards medals true): only blanks and nulls never blank what the archive holds.
        flag_written = self.update and isinstance(field_obj, models.BooleanField)
        if _empty(field_obj, incoming) and not flag_written:
            return
        if current == incoming:
            target.set_by.setdefault(name, obj.path)
            return
        if field_obj.is_relation and current is not None:
            current = getattr(target.instance, name)
        if name in target.set_by:
            # Updating lets a file win over the archive, not over another file of the same
            # call: which of them is the newer source is not known, and the order of the
            # arguments must not decide.
            self.problems.append(
                f"{obj.describe()}: {name}: {target.set_by[name]} has {show_value(current)}, "
                f"this file has {show_value(value)}. Nothing was written: correct one of the "
                "files, or load the newer one alone with --update to let it win."
            )
            return
        # A new row's defaults were stated by nobody: only a stored value counts.
        if target.stored and not _empty(field_obj, current) and not self.update:
            self.problems.append(
                f"{obj.describe()}: {name}: the archive holds {show_value(current)}, this file "
                f"has {show_value(value)}. Nothing was written: correct the file, or load it "
                "with --update to let it win."
            )
            return
        setattr(target.instance, name, value)
        target.set_by[name] = obj.path
        target.changed = True

    # Saving ----------------------------------------------------------------------------

    def save(self, label):
        for (target_label, key), target in self.targets.items():
            if target_label != label or not target.files:
                continue
            instance = target.instance
            where = f"{', '.join(target.files)}: {label} {show_key(key)}"
            with one_snapshot(instance, created=not target.stored) as written:
                if target.changed or not target.stored:
                    try:
                        instance.full_clean(
                            exclude=resolved_relations(instance),
                            validate_unique=False,
                            validate_constraints=False,
                        )
                    except ValidationError as error:
                        for name, messages in error.message_dict.items():
                            self.problems.append(f"{where}: {name}: {' '.join(messages)}")
                        continue
                    if target.stored and isinstance(instance, Athlete):
                        # His stored results must hold for him as the file has him (his
                        # sex, birth and retirement), as the admin's form checks.
                        stored = Athlete.objects.get(pk=instance.pk)
                        contradicted = problems_of_rows(instance, instance, before=stored)
                        self.problems.extend(f"{where}: {problem}" for problem in contradicted)
                        if contradicted:
                            continue
                    try:
                        with transaction.atomic():
                            instance.save()
                    except IntegrityError as error:
                        self.problems.append(f"{where}: refused by the database ({error}).")
                        continue
                    written.append(instance)
                for name, change in target.m2m.items():
                    rows, replace = change["add"], change["replace"]
                    if cite(instance, name, rows, replace=replace, new=not target.stored):
                        written.append(name)
                if target.stored and written and instance not in written:
                    # Citations alone changed: the version still moves on, so that an
                    # editor's form read before the load is refused, not saved over them.
                    instance.version += 1
                    type(instance)._default_manager.filter(pk=instance.pk).update(
                        version=instance.version
                    )

    def check_result_lists(self):
        """The rules across each touched event's results, on the archive as it now stands."""
        files = {
            target.instance.pk: ", ".join(target.files)
            for (label, _key), target in self.targets.items()
            if label == "results.result" and target.files
        }
        for event in self.touched_events.values():
            results = list(event.results.select_related("athlete").order_by("pk"))
            rows = [
                (f"results.result {show_key(result.natural_key())}", result) for result in results
            ]
            labels = {label: result.pk for label, result in rows}
            for label, _field, message in result_list_problems(rows, event.discipline):
                where = files.get(labels[label], "the archive")
                self.problems.append(f"{where}: {label}: {message}")

    def run(self, paths):
        incoming = []
        problems = []
        # A file named twice is read once: loading it again would change nothing anyway.
        for path in dict.fromkeys(paths):
            try:
                incoming.extend(read_file(path))
            except FixtureError as error:
                problems.extend(error.problems)
        if problems:
            raise FixtureError(problems)
        models_present = {obj.model for obj in incoming}
        for model in dependency_order(models_present):
            for obj in (obj for obj in incoming if obj.model is model):
                key = self.natural_key_of(obj)
                if key is None:
                    continue
                obj.key = key
                self.merge(obj)
            if not self.problems:
                self.save(model._meta.label_lower)
            if self.problems:
                raise FixtureError(self.problems)
        self.check_result_lists()
        if self.problems:
            raise FixtureError(self.problems)
        return sum(1 for target in self.targets.values() if target.files)


def resolved_relations(instance):
    """
    The foreign keys of `instance` that hold a row read or saved by this load: they exist,
    so `full_clean()` need not ask the database again, once per key (a fifth of a load's
    queries).
    """
    return [
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation
        and field.is_cached(instance)
        and getattr(instance, field.name) is not None
        and getattr(instance, field.name).pk is not None
    ]


def cite(instance, name, rows, *, replace, new):
    """
    The rows of the many-to-many `name` (citations) of `instance`: `rows` added, or set to
    `rows` with `replace`. Returns whether that changed anything: a file loaded again
    changes nothing and leaves no trace in the history. A `new` row cites nothing yet.
    """
    manager = getattr(instance, name)
    stored = set() if new else set(manager.values_list("pk", flat=True))
    wanted = {row.pk for row in rows}
    missing = [row for row in rows if row.pk not in stored]
    extra = stored - wanted if replace else set()
    if extra:
        manager.remove(*extra)
    if missing:
        manager.add(*missing)
    return bool(missing or extra)


def _empty(field_obj, value):
    """Nothing stated: null, blank text, or a flag left at its default."""
    if value is None or value == "":
        return True
    if isinstance(field_obj, models.BooleanField):
        return value == field_obj.get_default()
    return False


def load_fixtures(paths, *, update=False):
    """
    Load fixture files into the archive, merging with what it holds (see the module's
    docstring); returns the number of objects read. Raises FixtureError, having written
    nothing, when any file is broken or conflicts with the archive or another file.
    """
    comment = "Loaded " + ", ".join(str(path) for path in paths)
    with transaction.atomic(), revision(kind=Revision.Kind.LOAD, comment=comment), deferred():
        # The archive's other writers first: the files are checked against what it holds
        # once they have committed, and nothing changes it under the check until the end.
        wait_for_writers()
        return Loader(update=update).run(paths)
