# The home page's indexes ("on this day", the latest records), covering indexes for the
# best mark's progression and a championship's medal table, and each athlete's and nation's
# medal tally (filled from the medals already kept).

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q

MEDALS = {1: "gold", 2: "silver", 3: "bronze"}


def count_medals(apps, schema_editor):
    """Each athlete's and nation's tally, counted in SQL from the medals already kept."""
    Medal = apps.get_model("results", "Medal")
    counts = {medal: Count("pk", filter=Q(place=place)) for place, medal in MEDALS.items()}
    for group_by, name in (("athlete_id", "AthleteMedalTally"), ("country_id", "CountryMedalTally")):
        model = apps.get_model("results", name)
        rows = (
            Medal.objects.values(group_by)
            .annotate(**counts)
            .values_list(group_by, "gold", "silver", "bronze")
            .order_by()
        )
        sql, params = rows.query.sql_with_params()
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({group_by}, gold, silver, bronze) {sql}", params
            )


class Migration(migrations.Migration):

    dependencies = [
        ('athletes', '0004_search_words_and_home_indexes'),
        ('results', '0005_legal_marks_page_cache_list_tables'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='competition',
            index=models.Index(fields=['start_date'], name='competition_start_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['date'], name='event_date_idx'),
        ),
        migrations.AddIndex(
            model_name='result',
            index=models.Index(condition=models.Q(('records', ''), _negated=True), fields=['event'], name='result_record_idx'),
        ),
        migrations.RemoveIndex(
            model_name='listedmark',
            name='listed_mark_year_idx',
        ),
        migrations.AddIndex(
            model_name='listedmark',
            index=models.Index(fields=['discipline', 'sex', 'year', 'mark', 'apart'], name='listed_mark_year_idx'),
        ),
        migrations.CreateModel(
            name='AthleteMedalTally',
            fields=[
                ('gold', models.PositiveIntegerField(default=0)),
                ('silver', models.PositiveIntegerField(default=0)),
                ('bronze', models.PositiveIntegerField(default=0)),
                ('athlete', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='athletes.athlete')),
            ],
            options={
                'verbose_name': "athlete's medal tally",
                'indexes': [models.Index(fields=['-gold', '-silver', '-bronze'], name='athlete_tally_rank_idx')],
            },
        ),
        migrations.CreateModel(
            name='CountryMedalTally',
            fields=[
                ('gold', models.PositiveIntegerField(default=0)),
                ('silver', models.PositiveIntegerField(default=0)),
                ('bronze', models.PositiveIntegerField(default=0)),
                ('country', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='athletes.country')),
            ],
            options={
                'verbose_name': "nation's medal tally",
                'indexes': [models.Index(fields=['-gold', '-silver', '-bronze'], name='country_tally_rank_idx')],
            },
        ),
        migrations.RunPython(count_medals, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='medal',
            name='medal_championship_idx',
        ),
        migrations.AddIndex(
            model_name='medal',
            index=models.Index(fields=['championship', 'year', 'sex', 'discipline', 'place', 'athlete', 'country'], name='medal_championship_idx'),
        ),
    ]
