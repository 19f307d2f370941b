"""
People and places: the athletes the archive is about, the nations they represent and the
sources every fact is read from.

This app never imports `results` (tests/test_dependencies.py): an athlete's tables come from
`results.standings`, which depends on this app and not the other way round, and the pages
that show them live in the project package `archive`.
"""

import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils.text import normalize_newlines
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from revisions.models import ArchiveModel, NaturalKeyManager

from .links import link


def fold(text):
    """
    `text` in lower-case Latin letters without accents, so that "perez" finds "Pérez" and
    "borchin" finds "Борчин": other scripts are transliterated by anyascii.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return anyascii(stripped).casefold()


def data_name(name):
    """
    A name of the archive's data (a nation, a discipline, a championship) in the reader's
    language, from the catalogue of such names (`results.data_names`), else as stored.
    """
    return _data_name(get_language(), name) if name else name


@lru_cache(maxsize=4096)
def _data_name(language, name):
    # A catalogue does not change while the process runs, so each name is looked up once
    # per language: a list page prints some three hundred (its nation filter, its rows).
    return gettext(name)


_WORD = re.compile(r"[a-z0-9]+")
# The words of a name that search reads; a longer one is cut (no name has such a word).
WORD_LENGTH = 40
MAX_QUERY_WORDS = 6


def name_words(text):
    """The folded words of `text`: "García-Bragado, Mª" gives garcia, bragado, ma."""
    return _WORD.findall(fold(text))


# What readers type inside a name, or leave out, or type as a space: Chepng'etich is also
# written Chepngetich, O'Brien OBrien, Jean-Pierre Jean Pierre or Jeanpierre.
_APOSTROPHE = re.compile(r"['`]")


# How passports and entry lists spell letters that folding would only strip (ICAO 9303):
# Müller is also Mueller, Bjørn Bjoern, Ødegård Oedegaard.
_PASSPORT_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa"}
    | {"Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "Ø": "Oe", "Å": "Aa"}
)


def passport_spelling(text):
    """`text` with ä, ö, ü, ø and å spelt as passports spell them: "Müller" gives "Mueller"."""
    return unicodedata.normalize("NFC", text or "").translate(_PASSPORT_LETTERS)


def split_at_capitals(text):
    """
    `text` with a space before each capital that follows a small letter: "McLaughlin" gives
    "Mc Laughlin", "DeVries" "De Vries"; a name in capitals ("MCLAUGHLIN") stays whole.
    """
    return "".join(
        f" {letter}" if index and text[index - 1].islower() and letter.isupper() else letter
        for index, letter in enumerate(text)
    )


def indexed_words(text):
    """
    The words search finds a name by: its folded words, also as a passport spells them
    ("Müller" gives muller and mueller), the parts a capital inside a word starts
    ("McLaughlin" gives mclaughlin, mc and laughlin) and, where an apostrophe or a hyphen
    joins some, those written as one ("Chepng'etich" gives chepng, etich and chepngetich),
    each cut to WORD_LENGTH.
    """
    words = set()
    for spelling in {text, passport_spelling(text)}:
        words.update(name_words(spelling))
        words.update(name_words(split_at_capitals(spelling)))
        for written in fold(spelling).split():
            parts = _WORD.findall(written)
            if len(parts) > 1:
                words.add("".join(parts))
    return {word[:WORD_LENGTH] for word in words}


def typed_words(text):
    """
    The words of what a reader typed, as search looks them up: an apostrophe joins what it
    separates ("o'brien" is obrien), so that a name stored with or without it is found; a
    hyphen separates, as both halves and the whole are indexed.
    """
    return list(dict.fromkeys(name_words(_APOSTROPHE.sub("", fold(text)))))


def typed_spellings(text):
    """
    Each typed word (`typed_words`) with its passport spelling, the same unless it holds ä,
    ö, ü, ø or å: "Müller" gives (muller, mueller), found stored as Müller, Muller or Mueller.
    """
    folded = name_words(_APOSTROPHE.sub("", fold(text)))
    spelt = name_words(_APOSTROPHE.sub("", fold(passport_spelling(text))))
    if len(spelt) != len(folded):
        spelt = folded
    return list(dict.fromkeys(zip(folded, spelt, strict=True)))


def _after(prefix):
    """
    The first string past every word starting with `prefix` (words are [a-z0-9]), or None:
    "san" gives "sao", "saz" gives "sb". A range any index serves, whatever the collation.
    """
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    while prefix and prefix[-1] == alphabet[-1]:
        prefix = prefix[:-1]
    if not prefix:
        return None
    return prefix[:-1] + alphabet[alphabet.index(prefix[-1]) + 1]


def starting_with(prefix, field="word"):
    """A Q for the values of `field` that start with `prefix`, read from its index."""
    q = models.Q(**{f"{field}__gte": prefix})
    end = _after(prefix)
    return q & models.Q(**{f"{field}__lt": end}) if end else q


class Sex(models.TextChoices):
    MEN = "M", _("Men")
    WOMEN = "W", _("Women")


class Source(ArchiveModel):
    """Where facts were read: a result sheet, a book, a web page."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = NaturalKeyManager("slug")

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class CountryQuerySet(models.QuerySet):
    def with_athletes(self):
        """Nations that at least one athlete represents (one index probe per nation)."""
        return self.filter(Exists(Athlete.objects.filter(country=OuterRef("pk"))))


class Country(ArchiveModel):
    """A nation as World Athletics codes it (IOC three letters), historic ones included."""

    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        help_text=_("World Athletics / IOC three-letter code, e.g. ECU."),
    )
    name = models.CharField(_("name"), max_length=100)
    iso_code = models.CharField(_("ISO 3166 code"), max_length=2, blank=True)
    vehicle_code = models.CharField(
        _("vehicle code"),
        max_length=3,
        blank=True,
        help_text=_("International vehicle code some sources print instead (EC, E, PL…)."),
    )
    historic = models.BooleanField(
        _("historic"), default=False, help_text=_("A nation that no longer competes (URS, GDR…).")
    )

    objects = NaturalKeyManager.from_queryset(CountryQuerySet)("code")

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{3}$"), name="country_code_three_capitals"
            ),
        ]

    def __str__(self):
        # In the reader's language wherever a form or the admin prints the row.
        return self.titled(self.code, self.name)

    @property
    def label(self):
        """The name in the reader's language (listed in `results.data_names`), else as stored."""
        return self.translated(self.name)

    @staticmethod
    def translated(name):
        return data_name(name)

    @classmethod
    def titled(cls, code, name):
        """The name and code, "Ecuador (ECU)", in the reader's language, from values read."""
        return f"{cls.translated(name)} ({code})"

    def get_absolute_url(self):
        return link("athletes:country", self.code)

    def natural_key(self):
        return (self.code,)


# Athletes in alphabetical order (`Athlete.sort_name`), the slug telling two namesakes apart.
NAME_ORDER = ["sort_name", "slug"]


def sort_name(family_name, given_name):
    """What athletes are ordered by: "alvarez ana" for Ana Álvarez."""
    return fold(f"{family_name} {given_name}")


class AthleteQuerySet(models.QuerySet):
    def search(self, text, within_few=False):
        """
        Athletes with a word of their name or of an alias starting with each word of `text`,
        in any order, accents, capitals and scripts ignored: "sanchez maria" finds María
        Guadalupe Sánchez. Each word is a range over the words' index (`SearchWord`), read
        once for the whole archive; `within_few` says other filters (a nation) already keep few
        athletes, so each of them is checked instead, by the words of that athlete alone: a
        common word ("maria") then costs nothing.
        """
        words = typed_spellings(text)[:MAX_QUERY_WORDS]
        if not words:
            return self.none()
        found = self
        for spellings in words:
            condition = models.Q()
            for word in dict.fromkeys(spellings):
                condition |= starting_with(word[:WORD_LENGTH])
            matching = SearchWord.objects.filter(condition)
            if within_few:
                found = found.filter(Exists(matching.filter(athlete=OuterRef("pk"))))
            else:
                found = found.filter(pk__in=matching.values("athlete_id"))
        return found


class Athlete(ArchiveModel):
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("given-family, with a year when two athletes share a name."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birthplace = models.CharField(_("birthplace"), max_length=150, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("nation"),
        on_delete=models.PROTECT,
        related_name="athletes",
        help_text=_("The nation the athlete is best known for; each result keeps its own."),
        # No index of its own: athlete_nation_name_idx starts with it.
        db_index=False,
    )
    photo = models.ImageField(_("photo"), upload_to="athletes/", blank=True)
    photo_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    biography = models.TextField(
        _("biography"), blank=True, help_text=_("Paragraphs separated by a blank line.")
    )
    retired_on = models.DateField(
        _("retired on"), null=True, blank=True, help_text=_("Date of the last competition.")
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="athletes"
    )
    # Citations are part of a row's history, so that an undo restores them too.
    history_m2m_fields = ["sources"]
    # Accent- and case-folded "given family" name, kept by a pre_save signal (which, unlike
    # save(), also runs under loaddata) so that name search is one indexed column.
    search_name = models.CharField(
        max_length=210, editable=False, blank=True, db_index=True, default=""
    )
    # The same folding of "family given", for the order readers expect of names in any
    # language: Álvarez among the A's and Ñúñez among the N's, not after Zapata as bytes
    # compare (and as one database's collation or another's would differ).
    sort_name = models.CharField(max_length=210, editable=False, blank=True, default="")

    objects = NaturalKeyManager.from_queryset(AthleteQuerySet)("slug")

    class Meta:
        ordering = NAME_ORDER
        verbose_name = _("athlete")
        verbose_name_plural = _("athletes")
        indexes = [
            models.Index(fields=NAME_ORDER, name="athlete_name_idx"),
            # A nation's athletes by name (its page, the directory filtered by nation), the
            # first page read from the index without sorting them all.
            models.Index(fields=["country", *NAME_ORDER], name="athlete_nation_name_idx"),
            # "On this day": the athletes born on a date of past years. Only those with a
            # known date: most of an archive's athletes have none, and planner statistics
            # counting them as one value made a date look as common as a nation.
            models.Index(
                fields=["date_of_birth"],
                condition=models.Q(date_of_birth__isnull=False),
                name="athlete_birth_idx",
            ),
            # The home page leads with the athletes whose profile an editor has written.
            models.Index(
                fields=NAME_ORDER, condition=~models.Q(biography=""), name="athlete_profile_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("athletes:detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def name(self):
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def autocomplete_label(self):
        """How the admin's athlete picker names an athlete: "Pérez, Jefferson · ECU · 1974"."""
        parts = [f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name]
        parts.append(self.country.code)
        if self.date_of_birth:
            parts.append(str(self.date_of_birth.year))
        return " · ".join(parts)

    @property
    def biography_paragraphs(self):
        """
        The paragraphs, split on blank lines whatever the line endings (a browser sends
        CR LF); a line of spaces between paragraphs still looks blank to whoever typed it.
        """
        text = normalize_newlines(self.biography)
        return [p.strip() for p in re.split(r"\n[^\S\n]*\n", text) if p.strip()]

    def age_on(self, day):
        """Age in whole years on `day`, or None when either date is unknown."""
        if not self.date_of_birth or not day:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self):
        return self.age_on(date.today())

    @property
    def age_at_retirement(self):
        return self.age_on(self.retired_on)

    def clean(self):
        # Browsers send a textarea's lines ending in "\r\n"; the archive keeps "\n".
        self.biography = normalize_newlines(self.biography)
        if self.date_of_birth and self.date_of_birth > date.today():
            raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})
        if self.date_of_birth and self.retired_on and self.retired_on < self.date_of_birth:
            raise ValidationError({"retired_on": _("An athlete cannot retire before birth.")})

    def undo_files_gone(self, replaced):
        from .photos import photo_is_gone

        name = self.photo.name
        if not name or (replaced is not None and replaced.photo.name == name):
            return []
        return ["photo"] if photo_is_gone(name) else []

    def undo_refusal(self, replaced):
        """
        An undo that gives the athlete back a photo whose file was purged since (or lost) is
        refused: the profile would show a broken image, and only a backup has the file (or
        the editor has the undo leave the photo empty, knowingly).
        """
        if "photo" not in self.undo_files_gone(replaced):
            return None
        return _(
            "The photo of “%(athlete)s” (%(photo)s) cannot be put back: its file has been "
            "purged from the storage since, and the profile would show a missing image. "
            "Nothing was undone. An administrator can restore the file from a backup under "
            "that name; then undo again."
        ) % {"athlete": self, "photo": self.photo.name}

    # The profile's <img> sources, from the photo's name alone: no database query.
    @property
    def photo_thumbnail_url(self):
        from .photos import THUMBNAIL_WIDTHS, thumbnail_url

        return thumbnail_url(self, THUMBNAIL_WIDTHS[0])

    @property
    def photo_thumbnail_2x_url(self):
        from .photos import THUMBNAIL_WIDTHS, thumbnail_url

        return thumbnail_url(self, THUMBNAIL_WIDTHS[1])


def athlete_relations():
    """The one-to-many relations that point at an athlete: results, highlights, aliases…"""
    return [relation for relation in Athlete._meta.related_objects if relation.one_to_many]


# The rows named in a refusal, at the most; the others are counted.
PROBLEM_ROWS_SHOWN = 3


def problems_of_rows(athlete, rows_of, before):
    """
    What the rows that point at `rows_of` (the athlete himself, or a record merged into
    him) would break if they were `athlete`'s as he now stands, edited and not yet saved,
    and did not break with `before` (the athlete they belong to as stored): each row is
    checked again by its own `clean()` (a result checks its athlete's sex against its
    event's, and the event's date against his birth and retirement), and only what it says
    of its athlete counts. A fault a row had already does not block an edit that does not
    make it. The rows are found through the models' relations, so this app needs to know
    nothing of the apps that point at it.
    """
    found = []
    for relation in athlete_relations():
        if relation.related_model.clean is models.Model.clean:
            continue  # rows with no rules of their own (derived tables, search words)
        name = relation.field.name
        manager = relation.related_model._default_manager
        # Every foreign key joined, to any depth: what a row's check and its name read.
        for row in manager.filter(**{name: rows_of}).select_related().order_by("pk"):
            had = _athlete_errors(row, name, before)
            found.extend(
                f"{row}: {message}"
                for message in _athlete_errors(row, name, athlete)
                if message not in had
            )
    if len(found) > PROBLEM_ROWS_SHOWN:
        more = len(found) - PROBLEM_ROWS_SHOWN
        found = found[:PROBLEM_ROWS_SHOWN] + [gettext("…and %(count)s more.") % {"count": more}]
    return found


def _athlete_errors(row, name, athlete):
    """What `row`'s own `clean()` says of its athlete field (`name`) were it `athlete`'s."""
    setattr(row, name, athlete)
    try:
        row.clean()
    except ValidationError as error:
        return getattr(error, "message_dict", {}).get(name, [])
    return []


class Alias(ArchiveModel):
    """Another spelling of an athlete's name that search must still find."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=210)
    search_name = models.CharField(
        max_length=210, editable=False, blank=True, db_index=True, default=""
    )

    objects = NaturalKeyManager("athlete__slug", "name")

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["athlete", "name"], name="alias_unique_per_athlete")
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.athlete.slug, self.name)

    natural_key.dependencies = ["athletes.athlete"]


class SearchWord(models.Model):
    """
    One folded word of an athlete's name or of one of their aliases: what search looks a
    typed word up in, from an index, in any order. Derived (kept by signals on athletes and
    aliases, `index_names`), never edited, never exported.
    """

    # No index of its own: search_word_athlete_idx starts with it.
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+", db_index=False)
    word = models.CharField(max_length=WORD_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["word", "athlete"], name="search_word_unique")
        ]
        indexes = [
            # Whether one athlete has a word starting so (the directory's name filter within a
            # nation checks each of its athletes): a range of this index, not of the table.
            models.Index(fields=["athlete", "word"], name="search_word_athlete_idx")
        ]

    def __str__(self):
        return self.word


def athlete_words(athlete, aliases):
    """The set of words search finds `athlete` by: their name's and their aliases'."""
    words = indexed_words(f"{athlete.given_name} {athlete.family_name}")
    for alias in aliases:
        words.update(indexed_words(alias))
    return words


def index_names(athlete_ids):
    """Write the search words of these athletes again, from their names and aliases."""
    athletes = Athlete.objects.filter(pk__in=athlete_ids).only("given_name", "family_name")
    aliases = {}
    for athlete_id, name in Alias.objects.filter(athlete__in=athlete_ids).values_list(
        "athlete_id", "name"
    ):
        aliases.setdefault(athlete_id, []).append(name)
    SearchWord.objects.filter(athlete__in=athlete_ids).delete()
    SearchWord.objects.bulk_create(
        SearchWord(athlete=athlete, word=word)
        for athlete in athletes
        for word in sorted(athlete_words(athlete, aliases.get(athlete.pk, ())))
    )


# The athletes whose search words are written at the end of an `indexed_once()` block.
_unindexed = ContextVar("unindexed", default=None)


@contextmanager
def indexed_once():
    """
    Within this block, the search words of the athletes saved (and of those whose aliases
    changed) are written once, at its end, rather than at each save: four queries for a
    paste of five hundred new athletes instead of four for each of them. Nested blocks write
    at the outermost one's end; a block left by an exception writes nothing.
    """
    if _unindexed.get() is not None:
        yield
        return
    token = _unindexed.set(set())
    try:
        yield
        pending = _unindexed.get()
    finally:
        _unindexed.reset(token)
    pending = sorted(pending)
    # In slices, under any database's limit on the parameters of one query.
    for start in range(0, len(pending), 500):
        index_names(pending[start : start + 500])


@receiver(models.signals.pre_save, sender=Athlete)
def fold_athlete_name(sender, instance, **kwargs):
    instance.search_name = fold(f"{instance.given_name} {instance.family_name}")
    instance.sort_name = sort_name(instance.family_name, instance.given_name)


@receiver(models.signals.pre_save, sender=Alias)
def fold_alias_name(sender, instance, **kwargs):
    instance.search_name = fold(instance.name)
    # An alias moved to another record (by a merge, or by the merge's undo) takes its words
    # from the record it leaves as well.
    instance.moved_from = None
    if instance.pk is not None:
        instance.moved_from = (
            Alias.objects.filter(pk=instance.pk)
            .exclude(athlete_id=instance.athlete_id)
            .values_list("athlete_id", flat=True)
            .first()
        )


@receiver(models.signals.post_save, sender=Athlete)
@receiver(models.signals.post_save, sender=Alias)
@receiver(models.signals.post_delete, sender=Alias)
def index_athlete_names(sender, instance, **kwargs):
    athlete_id = instance.pk if sender is Athlete else instance.athlete_id
    moved_from = getattr(instance, "moved_from", None) if sender is Alias else None
    pending = _unindexed.get()
    if pending is not None:
        # An athlete deleted meanwhile has no words to write: `index_names` finds no name.
        pending.update(filter(None, [athlete_id, moved_from]))
        return
    deleted = sender is Alias and kwargs.get("signal") is models.signals.post_delete
    # An alias deleted with its athlete leaves nothing to index.
    if deleted and not Athlete.objects.filter(pk=athlete_id).exists():
        return
    index_names([athlete_id] if moved_from is None else [athlete_id, moved_from])


class Highlight(ArchiveModel):
    """A story, quote or memory on an athlete's page, in the order an editor chose."""

    class Kind(models.TextChoices):
        STORY = "story", _("Story")
        QUOTE = "quote", _("Quote")
        MEMORY = "memory", _("Memory")
        HONOUR = "honour", _("Honour")

    athlete = models.ForeignKey(
        Athlete, verbose_name=_("athlete"), on_delete=models.CASCADE, related_name="highlights"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True
    )

    objects = NaturalKeyManager("athlete__slug", "position")

    class Meta:
        ordering = ["athlete", "position"]
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "position"], name="highlight_position_unique_per_athlete"
            )
        ]

    def __str__(self):
        return self.title or self.text[:60]

    def clean(self):
        # Browsers send a textarea's lines ending in "\r\n"; the archive keeps "\n".
        self.text = normalize_newlines(self.text)

    def natural_key(self):
        return (self.athlete.slug, self.position)

    natural_key.dependencies = ["athletes.athlete"]
