# The number of athletes the archive holds: the length of the unfiltered directory without a
# count over every athlete (filled from the athletes already there).

import revisions.loading
from django.db import migrations, models


def count_athletes(apps, schema_editor):
    Athlete = apps.get_model("athletes", "Athlete")
    RowCount = apps.get_model("results", "RowCount")
    RowCount.objects.create(table=Athlete._meta.db_table, rows=Athlete.objects.count())


class Migration(migrations.Migration):

    dependencies = [
        ('athletes', '0006_no_index_where_another_starts_with_the_key'),
        ('results', '0012_no_index_where_another_starts_with_the_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='RowCount',
            fields=[
                ('table', models.CharField(max_length=63, primary_key=True, serialize=False)),
                ('rows', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'count of rows',
            },
            bases=(revisions.loading.QuickLoad, models.Model),
        ),
        migrations.RunPython(count_athletes, migrations.RunPython.noop),
    ]
