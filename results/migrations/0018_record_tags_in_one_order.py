from django.db import migrations

BATCH = 5000
# The order of `results.models.RECORD_TAGS` when this migration was written: a migration
# keeps its own copy, so that a later change of the model does not change what it did.
ORDER = ["WR", "OR", "WU20R", "AR", "CR", "NR", "MR"]


def canonical_records(text):
    tags = dict.fromkeys(text.split())
    return " ".join([tag for tag in ORDER if tag in tags] + [t for t in tags if t not in ORDER])


def record_tags_in_one_order(apps, schema_editor):
    """
    Each result's record tags once each, in the order the field now keeps them, as the
    admin, a paste or a fixture may have stored one set in two orders ("OR WR", "WR OR").
    The history keeps what was typed: it records what was, and an undo is saved anew.
    """
    Result = apps.get_model("results", "Result")
    tagged = Result.objects.exclude(records="").only("records").order_by("pk")
    batch = []
    for result in tagged.iterator(chunk_size=BATCH):
        records = canonical_records(result.records)
        if records != result.records:
            result.records = records
            batch.append(result)
        if len(batch) == BATCH:
            Result.objects.bulk_update(batch, ["records"])
            batch = []
    Result.objects.bulk_update(batch, ["records"])


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0017_listed_mark_athlete_idx"),
    ]

    operations = [
        migrations.RunPython(record_tags_in_one_order, migrations.RunPython.noop),
    ]
