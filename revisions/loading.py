"""
Rows read from the database into model instances, without `Model.__init__`.

A list of a hundred results builds some six hundred instances (each result with its
athlete, nation, event and competition). Django builds each through `Model.__init__`, which
sets every field through `setattr` and sends `pre_init` and `post_init`: about a sixth of an
all-time list's server time (16 ms down to 13.5 with this, make bench's archive of
2,000,000 results). `QuickLoad.from_db` builds the same instance directly from the row when
nothing could tell the difference: every field was read (no `.only()` or `.defer()`), no
receiver listens to the model's init signals (an `ImageField` with dimension fields does),
and no field has a descriptor that does more than store the value on a new instance
(`STORING_DESCRIPTORS`). Otherwise it is Django's own `from_db`.
"""

import inspect

from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

# Descriptors that, on an instance being built, only store the value set: a foreign key's
# (which would drop a cached related row, of which a new instance has none) and a file's
# (an image's updates its dimension fields only when it replaces a file already set).
STORING_DESCRIPTORS = (ForeignKeyDeferredAttribute, FileDescriptor)

# {model: the attribute names of its concrete fields in the order a row holds them, or None
# when a field's descriptor must see the value set}
_ATTNAMES = {}


def quick_attnames(model):
    try:
        return _ATTNAMES[model]
    except KeyError:
        pass
    attnames = []
    for field in model._meta.concrete_fields:
        descriptor = inspect.getattr_static(model, field.attname, None)
        if hasattr(descriptor, "__set__") and not isinstance(descriptor, STORING_DESCRIPTORS):
            attnames = None
            break
        attnames.append(field.attname)
    _ATTNAMES[model] = attnames
    return attnames


class QuickLoad:
    """A model mixin: instances read from the database are built without `__init__`."""

    @classmethod
    def from_db(cls, db, field_names, values):
        attnames = quick_attnames(cls)
        if (
            attnames is None
            or len(values) != len(attnames)
            or (signals.pre_init.receivers and signals.pre_init.has_listeners(cls))
            or (signals.post_init.receivers and signals.post_init.has_listeners(cls))
        ):
            return super().from_db(db, field_names, values)
        instance = cls.__new__(cls)
        instance._state = state = ModelState()
        state.adding = False
        state.db = db
        instance.__dict__.update(zip(attnames, values, strict=True))
        return instance
