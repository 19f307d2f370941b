# The number of athletes with a legal best mark per discipline and sex: the length of an
# all-time list of performers without a count over its rows (filled from the best marks
# already kept).

import django.db.models.deletion
import revisions.loading
from django.db import migrations, models
from django.db.models import Count


def count_best_marks(apps, schema_editor):
    """The counts, in SQL, from the best marks already kept."""
    BestMark = apps.get_model("results", "BestMark")
    BestMarkCount = apps.get_model("results", "BestMarkCount")
    columns = ["discipline_id", "sex"]
    rows = BestMark.objects.values_list(*columns).annotate(Count("pk")).order_by()
    sql, params = rows.query.sql_with_params()
    table = BestMarkCount._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}, athletes) {sql}", params)


class Migration(migrations.Migration):

    dependencies = [
        ('results', '0009_listed_mark_count'),
    ]

    operations = [
        migrations.CreateModel(
            name='BestMarkCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sex', models.CharField(choices=[('M', 'Men'), ('W', 'Women')], max_length=1)),
                ('athletes', models.IntegerField(default=0)),
                ('discipline', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='results.discipline')),
            ],
            options={
                'verbose_name': 'count of best marks',
                'constraints': [models.UniqueConstraint(fields=('discipline', 'sex'), name='best_mark_count_unique')],
            },
            bases=(revisions.loading.QuickLoad, models.Model),
        ),
        migrations.RunPython(count_best_marks, migrations.RunPython.noop),
    ]
