from importlib import import_module

from django.db import migrations

# The same rebuild of every athlete's search words, which now take their passport spelling
# too (Müller also as mueller, Bjørn as bjoern).
rebuild = import_module("athletes.migrations.0008_search_words_joined_by_apostrophes_and_hyphens")


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0008_search_words_joined_by_apostrophes_and_hyphens"),
    ]

    operations = [
        migrations.RunPython(rebuild.index_every_name_again, migrations.RunPython.noop),
    ]
