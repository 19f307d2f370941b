"""
Loading Jefferson Pérez's fixture once per test process, not once per test.

The loader validates every object and keeps the derived tables, history and revisions as it
goes: half a second a load on PostgreSQL, and some three hundred tests start from the
archive as shipped. The first load of a process is a real one; what it changed, table by
table, is kept, and later tests get the same rows written back directly, in one
transaction. Only when each of those tables holds what it held before that first load (the
reference data alone, as every test starts): after a fixture that wrote rows of its own
first, or reference data loaded again under new keys, it is a real load again.
The loader itself is tested by the tests that call `load` (tests/test_fixtures.py and
others), never through this.

The same rows, written back, also undo a test that ran in real transactions: pytest-django
empties every table when one ends. The tables as the test database starts them (migrated,
the reference data loaded) are kept once (`keep_baseline`) and written back after each such
test (`restore_baseline`, tests/conftest.py), so the tests after it start as every test
does, and get Pérez's rows written back rather than loaded.
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


def _write(rows):
    """Each model's table holds exactly its `rows` (model: rows), in one transaction."""
    with transaction.atomic():
        for model, table_rows in rows.items():
            model._base_manager.all()._raw_delete(connection.alias)
            columns = _columns(model)
            model._base_manager.bulk_create(
                model(**dict(zip(columns, row, strict=True))) for row in table_rows
            )
        # Keys given, not drawn: PostgreSQL's sequences move on past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(rows)):
                cursor.execute(sql)


@dataclass
class Snapshot:
    models: list  # the tables the load changed
    before: list  # their shapes before it
    after: dict  # model: rows after it

    def fits(self):
        return _shapes(self.models) == self.before

    def restore(self):
        _write(self.after)


_snapshots = {}
_baseline = None


def keep_baseline():
    """Keep every table's rows as they are now: the test database as each test starts it."""
    global _baseline
    models = _models()
    _baseline = {model: _rows(model) for model in models}


def restore_baseline():
    """
    Write back the tables that no longer hold what `keep_baseline` kept. A test that runs in
    real transactions (a browser test, say) empties every table when it ends, and `migrate`'s
    signal fills a few again under new keys: without this, each later test of the process
    would load the reference data and Pérez's file for real, seconds a test on PostgreSQL.
    """
    if _baseline is None:
        return
    models = list(_baseline)
    changed = {
        model: _baseline[model]
        for model, shape in zip(models, _shapes(models), strict=True)
        if shape != _shape(model, _baseline[model])
    }
    if changed:
        _write(changed)


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
