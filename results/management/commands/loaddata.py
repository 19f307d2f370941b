"""
Django's loaddata, made safe for hand-written archive fixtures.

Django's own command saves raw rows without validation, and a natural key that names no
row ends in an obscure "NOT NULL constraint failed". An editor who writes a fixture by
hand deserves better: this command validates every object with `full_clean()` before it is
saved and names the object, the field and the key that is wrong. It still loads everything
in one transaction, so a broken file leaves the archive as it was.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError


class Command(loaddata.Command):
    help = (
        "Installs the named fixture(s) in the database, validating every object first "
        "(unknown natural keys and invalid values stop the load; nothing is written)."
    )

    def load_label(self, fixture_label):
        try:
            super().load_label(fixture_label)
        except DeserializationError as error:
            raise CommandError(
                f"{error}\nHint: a mark in a fixture is an integer in its discipline's unit "
                "(milliseconds for times: 1:17:21 is 4641000; millimetres for distances: "
                "8.95 is 8950; points for combined events)."
            ) from error

    def save_obj(self, obj):
        self.check_references(obj)
        self.validate(obj)
        return super().save_obj(obj)

    @staticmethod
    def describe(obj):
        instance = obj.object
        try:
            key = instance.natural_key()
        except Exception:  # an incomplete object may not have its key's parts yet
            key = "(new)"
        return f"{instance._meta.label} {key}"

    def check_references(self, obj):
        """A required foreign key whose natural key names no row stops the load."""
        for field, value in obj.deferred_fields.items():
            if not field.many_to_many and not field.null:
                related = field.related_model._meta.verbose_name
                raise CommandError(
                    f"{self.describe(obj)}: {field.name} {value!r} names no {related} in "
                    "the archive. Load the reference fixtures first, or correct the key."
                )

    def validate(self, obj):
        exclude = [field.name for field, _value in obj.deferred_fields.items()]
        # The deserializer found the row by its natural key when it set the pk: the object
        # then updates that row, and must not collide with itself in the unique checks.
        obj.object._state.adding = obj.object.pk is None
        try:
            obj.object.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(f"{self.describe(obj)} is invalid: {problems}") from error
