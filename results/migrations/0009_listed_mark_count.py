# The number of listed marks per discipline, sex and kind kept apart: the length of an
# all-time list of performances without a count over its marks (filled from the listed
# marks already kept).

import django.db.models.deletion
import revisions.loading
from django.db import migrations, models
from django.db.models import Count


def count_listed_marks(apps, schema_editor):
    """The counts, in SQL, from the listed marks already kept."""
    ListedMark = apps.get_model("results", "ListedMark")
    ListedMarkCount = apps.get_model("results", "ListedMarkCount")
    columns = ["discipline_id", "sex", "apart"]
    rows = ListedMark.objects.values_list(*columns).annotate(Count("pk")).order_by()
    sql, params = rows.query.sql_with_params()
    table = ListedMarkCount._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}, marks) {sql}", params)


class Migration(migrations.Migration):

    dependencies = [
        ('results', '0008_nation_list_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='ListedMarkCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sex', models.CharField(choices=[('M', 'Men'), ('W', 'Women')], max_length=1)),
                ('apart', models.PositiveSmallIntegerField()),
                ('marks', models.IntegerField(default=0)),
                ('discipline', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='results.discipline')),
            ],
            options={
                'verbose_name': 'count of listed marks',
                'constraints': [models.UniqueConstraint(fields=('discipline', 'sex', 'apart'), name='listed_mark_count_unique')],
            },
            bases=(revisions.loading.QuickLoad, models.Model),
        ),
        migrations.RunPython(count_listed_marks, migrations.RunPython.noop),
    ]
