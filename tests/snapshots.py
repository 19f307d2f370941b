"""
Loading Jefferson Pérez's fixture once per test process, not once per test.

The loader validates every object and keeps the derived tables, history and revisions as it
goes: half a second a load on PostgreSQL, and some three hundred tests start from the
archive as shipped. The first load of a process is a real one; what it changed, table by
table, is kept, and later tests get the same rows written back directly, in one
transaction. Only when each of those tables holds what it held before that first load (the
reference data alone, as every test starts): a fixture that wrote rows of its own first, or
reference data reloaded under new keys after a browser test's flush, gets a real load again.
The loader itself is tested by the tests that call `load` (tests/test_fixtures.py and
others), never through this.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from .helpers import load


def _models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _columns(model):
    return [field.attname for field in model._meta.concrete_fields]


def _rows(model):
    return list(model._base_manager.order_by("pk").values_list(*_columns(model)))


def _numbered(model):
    return model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField", "IntegerField"}


def _shapes(models):
    """Each table's row count and greatest numbered key, in one query."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT {index}, COUNT(*), "
        + (f"MAX({quote(model._meta.pk.column)})" if _numbered(model) else "NULL")
        + f" FROM {quote(model._meta.db_table)}"
        for index, model in enumerate(models)
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        found = {index: (count, top) for index, count, top in cursor.fetchall()}
    return [found[index] for index in range(len(models))]


def _shape(model, rows):
    """`_shapes` of a table that holds `rows`."""
    if not _numbered(model) or not rows:
        return (len(rows), None)
    index = _columns(model).index(model._meta.pk.attname)
    return (len(rows), max(row[index] for row in rows))


@dataclass
class Snapshot:
    models: list  # the tables the load changed
    before: list  # their shapes before it
    after: dict  # model: rows after it

    def fits(self):
        return _shapes(self.models) == self.before

    def restore(self):
        with transaction.atomic():
            for model in self.models:
                model._base_manager.all()._raw_delete(connection.alias)
                columns = _columns(model)
                model._base_manager.bulk_create(
                    model(**dict(zip(columns, row, strict=True))) for row in self.after[model]
                )
            # Keys given, not drawn: PostgreSQL's sequences move on past them.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), self.models):
                    cursor.execute(sql)


_snapshots = {}


def load_once(fixture):
    """`load(fixture)`, or the rows its first load in this process wrote, written back."""
    snapshot = _snapshots.get(fixture)
    if snapshot is not None and snapshot.fits():
        snapshot.restore()
        return
    models = _models()
    before = {model: _rows(model) for model in models}
    load(fixture)
    changed = [model for model in models if _rows(model) != before[model]]
    _snapshots[fixture] = Snapshot(
        models=changed,
        before=[_shape(model, before[model]) for model in changed],
        after={model: _rows(model) for model in changed},
    )
