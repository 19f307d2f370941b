from django.db import migrations

# The words as the archive indexes them now: this migration writes them again for every name
# stored before (a later change of the rule comes with a migration of its own).
from athletes.models import indexed_words

BATCH = 5000


def index_every_name_again(apps, schema_editor):
    """
    Every athlete's search words written again, a batch of athletes at a time, now with the
    words an apostrophe or a hyphen joins also written as one (Chepngetich, Jeanpierre) and
    the passport spelling of ä, ö, ü, ø and å (Müller also as mueller, Bjørn as bjoern).
    """
    Athlete = apps.get_model("athletes", "Athlete")
    Alias = apps.get_model("athletes", "Alias")
    SearchWord = apps.get_model("athletes", "SearchWord")
    aliases = {}
    for athlete_id, name in Alias.objects.values_list("athlete_id", "name").iterator():
        aliases.setdefault(athlete_id, []).append(name)
    athletes = Athlete.objects.only("given_name", "family_name").order_by("pk")
    batch = []
    for athlete in athletes.iterator(chunk_size=BATCH):
        batch.append(athlete)
        if len(batch) == BATCH:
            write_words(SearchWord, batch, aliases)
            batch = []
    write_words(SearchWord, batch, aliases)


def write_words(SearchWord, athletes, aliases):
    words = []
    for athlete in athletes:
        found = indexed_words(f"{athlete.given_name} {athlete.family_name}")
        for alias in aliases.get(athlete.pk, ()):
            found |= indexed_words(alias)
        words.extend(SearchWord(athlete_id=athlete.pk, word=word) for word in sorted(found))
    SearchWord.objects.filter(athlete_id__in=[athlete.pk for athlete in athletes]).delete()
    SearchWord.objects.bulk_create(words, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0007_athletes_in_alphabetical_order"),
    ]

    operations = [
        # Backwards the extra words are harmless: the search before them finds less, not
        # more wrongly.
        migrations.RunPython(index_every_name_again, migrations.RunPython.noop),
    ]
