"""
People and places: the athletes the archive is about, the nations they represent and the
sources every fact is read from.

This app never imports `results` (tests/test_dependencies.py): an athlete's tables come from
`results.standings`, which depends on this app and not the other way round, and the pages
that show them live in the project package `archive`.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.urls import reverse
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from revisions.models import ArchiveModel, NaturalKeyManager


def fold(text):
    """Lower-case `text` and strip its accents, so that "perez" finds "Pérez"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("athletes:country", args=[self.code])

    def natural_key(self):
        return (self.code,)


class AthleteQuerySet(models.QuerySet):
    def search(self, text):
        """Athletes whose name or alias contains `text`, accents and case ignored."""
        folded = fold(text).strip()
        if not folded:
            return self.none()
        # EXISTS rather than a join: no DISTINCT over the whole directory.
        aliases = Alias.objects.filter(athlete=OuterRef("pk"), search_name__contains=folded)
        return self.filter(models.Q(search_name__contains=folded) | models.Q(Exists(aliases)))


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

    objects = NaturalKeyManager.from_queryset(AthleteQuerySet)("slug")

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("athlete")
        verbose_name_plural = _("athletes")
        indexes = [models.Index(fields=["family_name", "given_name"], name="athlete_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("athletes:detail", args=[self.slug])

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

    # The profile's <img> sources, from the photo's name alone: no database query.
    @property
    def photo_thumbnail_url(self):
        from .photos import THUMBNAIL_WIDTHS, thumbnail_url

        return thumbnail_url(self, THUMBNAIL_WIDTHS[0])

    @property
    def photo_thumbnail_2x_url(self):
        from .photos import THUMBNAIL_WIDTHS, thumbnail_url

        return thumbnail_url(self, THUMBNAIL_WIDTHS[1])


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


@receiver(models.signals.pre_save, sender=Athlete)
def fold_athlete_name(sender, instance, **kwargs):
    instance.search_name = fold(f"{instance.given_name} {instance.family_name}")


@receiver(models.signals.pre_save, sender=Alias)
def fold_alias_name(sender, instance, **kwargs):
    instance.search_name = fold(instance.name)


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
