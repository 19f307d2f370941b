from django.db import migrations

# The words as the archive indexes them now (see 0008 on a later change of the rule).
from athletes.models import indexed_words, split_at_capitals

BATCH = 5000


def has_a_capital_inside(name):
    return split_at_capitals(name) != name


def index_names_with_a_capital_inside(apps, schema_editor):
    """
    The search words written again for each athlete whose name or alias has a capital
    inside a word (McLaughlin, DeVries), now with the parts it starts (mc, laughlin); the
    other athletes' words are what they were, and are left as they are.
    """
    Athlete = apps.get_model("athletes", "Athlete")
    Alias = apps.get_model("athletes", "Alias")
    SearchWord = apps.get_model("athletes", "SearchWord")
    aliases = {}
    for athlete_id, name in Alias.objects.values_list("athlete_id", "name").iterator():
        aliases.setdefault(athlete_id, []).append(name)
    names = Athlete.objects.values_list("pk", "given_name", "family_name").order_by("pk")
    batch = {}
    for pk, given_name, family_name in names.iterator(chunk_size=BATCH):
        found = [f"{given_name} {family_name}", *aliases.get(pk, ())]
        if any(has_a_capital_inside(name) for name in found):
            batch[pk] = found
        if len(batch) == BATCH:
            write_words(SearchWord, batch)
            batch = {}
    write_words(SearchWord, batch)


def write_words(SearchWord, names):
    words = [
        SearchWord(athlete_id=pk, word=word)
        for pk, found in names.items()
        for word in sorted(set().union(*map(indexed_words, found)))
    ]
    SearchWord.objects.filter(athlete_id__in=list(names)).delete()
    SearchWord.objects.bulk_create(words, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0008_search_words_as_readers_type_names"),
    ]

    operations = [
        # Backwards the extra words are harmless: the search before them finds less.
        migrations.RunPython(index_names_with_a_capital_inside, migrations.RunPython.noop),
    ]
