"""
What happened: disciplines, championships and their editions, the events held there and
every athlete's result in them.

Marks are integers in the discipline's unit (see `results.marks`); everything a page
summarises (podiums, medals, personal bests) is derived from Result rows by the QuerySet
methods below and by `results.standings`, never stored.

The rules of the sport are written once, on the model they are about, each in Python (for
rows in hand) and in SQL (for queries) side by side: which mark is better
(`Discipline.beats`, `mark_order`, `best_of`), what is a podium and a medal
(`Result.is_podium`, `is_medal` and `ResultQuerySet.podiums`, `medals`) and which marks
are legal (`Result.is_legal`, `Result.kept_apart` and `ResultQuerySet.legal`).
`tests/test_rules.py` checks that both halves of each rule agree.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Max, Min, Q, Value, When
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from athletes.links import link
from athletes.models import NAME_ORDER, Athlete, Country, Sex, Source, data_name
from revisions.loading import QuickLoad
from revisions.models import ArchiveModel, NaturalKeyManager

from . import marks

# World Athletics rules: wind is read in the sprints up to 200 m, the short hurdles and the
# horizontal jumps, and a following wind over +2.0 m/s makes a mark wind-aided. A combined
# event's score is wind-aided when the wind in any of those parts was over +4.0 m/s; its
# result keeps the strongest wind of those parts.
WIND_LIMITS = {
    **dict.fromkeys(["60", "100", "200", "60H", "100H", "110H", "LJ", "TJ"], Decimal("2.0")),
    **dict.fromkeys(["PEN", "HEP", "DEC"], Decimal("4.0")),
}

# The strongest wind a gauge's reading in a result list shows, either way (m/s): beyond it a
# reading is a typing slip ("21" for "2,1"), not weather.
MAX_WIND = Decimal("9.9")

# A venue this high helps sprints and jumps and slows distance races: its marks carry an "A".
ALTITUDE_M = 1000

# The largest field in the sport: city marathons finish some 55,000 runners.
MAX_PLACE = 100_000

# The years a competition may be dated in: modern athletics' records start in the 19th
# century; a year outside them is a typing slip.
FIRST_YEAR, LAST_YEAR = 1800, 2200


class RemembersLoaded:
    """
    Keeps what a row held when it was read (`loaded_values`, the fields of
    `remembered_fields`), so that a save can tell what it moved: a result to another athlete
    or event, an event to another discipline (see `results.bestmarks`).
    """

    remembered_fields = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_values = {
            name: instance.__dict__[name]
            for name in cls.remembered_fields
            if name in instance.__dict__
        }
        return instance


class Discipline(ArchiveModel):
    """An athletics event as athlib codes it: 20KW (road walk), 10000W (track walk), LJ…"""

    class Venue(models.TextChoices):
        ROAD = "road", _("Road")
        TRACK = "track", _("Track and field")
        INDOOR = "indoor", _("Indoor")
        CROSS_COUNTRY = "xc", _("Cross country")

    class Measure(models.TextChoices):
        TIME = marks.TIME, _("Time")
        DISTANCE = marks.DISTANCE, _("Distance")
        HEIGHT = marks.HEIGHT, _("Height")
        POINTS = marks.POINTS, _("Points")

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("athlib code."))
    name = models.CharField(_("name"), max_length=100)
    venue = models.CharField(_("venue"), max_length=10, choices=Venue.choices)
    measure = models.CharField(_("measured in"), max_length=10, choices=Measure.choices)
    distance_m = models.PositiveIntegerField(
        _("distance (m)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For races only."),
    )
    is_walk = models.BooleanField(_("race walk"), default=False)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists: sprints first, walks last.")
    )
    men_world_record = models.BigIntegerField(
        _("men's world record"), null=True, blank=True, help_text=_("As a stored mark.")
    )
    women_world_record = models.BigIntegerField(
        _("women's world record"), null=True, blank=True, help_text=_("As a stored mark.")
    )

    objects = NaturalKeyManager("code")

    class Meta:
        ordering = ["venue", "position", "code"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self):
        # In the reader's language wherever a form or the admin prints the row.
        return self.label

    @property
    def label(self):
        """The name in the reader's language (see `results.data_names`), else as stored."""
        return data_name(self.name)

    def get_absolute_url(self):
        return link("results:discipline", self.code)

    def natural_key(self):
        return (self.code,)

    # Which mark is better --------------------------------------------------------------

    @property
    def lower_is_better(self):
        return self.measure == marks.TIME

    def beats(self, mark, other):
        """True when `mark` is better than `other` in this discipline."""
        return mark < other if self.lower_is_better else mark > other

    def mark_order(self, field="mark"):
        """The ORDER BY expression that puts the best mark first, missing marks last."""
        if self.lower_is_better:
            return F(field).asc(nulls_last=True)
        return F(field).desc(nulls_last=True)

    @staticmethod
    def best_mark_first(discipline="event__discipline", field="mark"):
        """
        `mark_order` for rows of any discipline, through their `discipline` relation: within
        each discipline the best mark first (the lowest time, the longest distance, the most
        points), missing marks last.
        """
        return Case(
            When(**{f"{discipline}__measure": marks.TIME}, then=F(field)),
            default=-F(field),
        ).asc(nulls_last=True)

    def best_of(self, field="mark"):
        """The aggregate that gives the best mark of a group of rows."""
        return Min(field) if self.lower_is_better else Max(field)

    def better_than(self, mark, field="mark"):
        """The filter keeping rows whose mark is better than `mark`."""
        lookup = "lt" if self.lower_is_better else "gt"
        return Q(**{f"{field}__{lookup}": mark})

    def mark_sort_key(self, mark):
        """A Python sort key, best mark first and missing marks last."""
        if mark is None:
            return (1, 0)
        return (0, mark if self.lower_is_better else -mark)

    # What makes a mark legal -----------------------------------------------------------

    @property
    def wind_limit(self):
        """The strongest legal following wind (m/s), or None where wind is not read."""
        return WIND_LIMITS.get(self.code)

    @property
    def wind_measured(self):
        return self.wind_limit is not None

    @property
    def is_sprint(self):
        """Track races up to 400 m: timed to the hundredth, and hand times kept apart."""
        return (
            self.measure == marks.TIME
            and self.venue in {self.Venue.TRACK, self.Venue.INDOOR}
            and self.distance_m is not None
            and self.distance_m <= 400
        )

    @property
    def is_indoor(self):
        """Held only indoors (the 60 m)."""
        return self.venue == self.Venue.INDOOR

    @property
    def keeps_indoor_apart(self):
        """Indoor marks are listed apart, except where there are only indoor marks (the 60 m)
        or none (a road race is never indoors)."""
        return not self.is_indoor and not self.is_road

    @property
    def is_road(self):
        return self.venue == self.Venue.ROAD

    def parse_mark(self, text):
        return marks.parse_mark(text, self)

    def format_mark(self, value, hand_timed=False, decimals=None):
        return marks.format_mark(value, self, hand_timed=hand_timed, decimals=decimals)

    def world_record(self, sex):
        return self.men_world_record if sex == Sex.MEN else self.women_world_record

    def clean(self):
        try:
            code = marks.normalize_code(self.code)
        except ValueError:
            raise ValidationError(
                {
                    "code": _("“%(code)s” is not an athletics event code athlib knows.")
                    % {"code": self.code}
                }
            ) from None
        if code != self.code:
            raise ValidationError(
                {"code": _("Write the code as athlib does: %(code)s.") % {"code": code}}
            )
        if self.pk is not None and self.has_results():
            stored = Discipline.objects.filter(pk=self.pk).values_list("measure", flat=True)
            if stored.first() not in (None, self.measure):
                raise ValidationError(
                    {
                        "measure": _(
                            "This discipline has results, whose marks are stored in its "
                            "unit: changing what it is measured in would read every one of "
                            "them wrongly. Add a discipline of its own instead."
                        )
                    }
                )
        if self.measure == marks.TIME and self.distance_m is None:
            self.distance_m = marks.distance_of(self.code)
        # A world record is a stored mark like any result's: the same rule reads it.
        errors = {}
        for name in ("men_world_record", "women_world_record"):
            value = getattr(self, name)
            if value is not None:
                try:
                    marks.check_mark_value(value, self)
                except ValidationError as error:
                    errors[name] = error.messages
        if errors:
            raise ValidationError(errors)

    def has_results(self):
        return Result.objects.filter(event__discipline=self).exists()


class Championship(RemembersLoaded, ArchiveModel):
    """A series of competitions: the Olympic Games, the World Championships…"""

    remembered_fields = ("awards_medals",)

    class Level(models.TextChoices):
        GLOBAL = "global", _("Global")
        CONTINENTAL = "continental", _("Continental")
        AREA = "area", _("Area")
        NATIONAL = "national", _("National")
        INVITATIONAL = "invitational", _("Invitational")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=15, choices=Level.choices)
    awards_medals = models.BooleanField(
        _("awards medals"), default=True, help_text=_("Whether places 1–3 of a final are medals.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in medal tables: Olympic Games first.")
    )

    objects = NaturalKeyManager("slug")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("championship")
        verbose_name_plural = _("championships")

    def __str__(self):
        # In the reader's language wherever a form or the admin prints the row.
        return self.label

    @property
    def label(self):
        """The name in the reader's language (see `results.data_names`), else as stored."""
        return data_name(self.name)

    def get_absolute_url(self):
        return link("results:championship", self.slug)

    def natural_key(self):
        return (self.slug,)


class Competition(RemembersLoaded, ArchiveModel):
    """One edition of a championship, or a one-off meeting."""

    remembered_fields = ("year", "indoor", "championship_id")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    championship = models.ForeignKey(
        Championship,
        verbose_name=_("championship"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    city = models.CharField(_("city"), max_length=100)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="competitions"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    indoor = models.BooleanField(
        _("indoors"),
        default=False,
        help_text=_("Held in an indoor arena: its marks are listed apart from outdoor ones."),
    )
    altitude_m = models.PositiveSmallIntegerField(
        _("altitude (m)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
        help_text=_("The venue's height above sea level; marks from 1,000 m carry an “A”."),
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="competitions"
    )
    # Citations are part of a row's history, so that an undo restores them too.
    history_m2m_fields = ["sources"]

    objects = NaturalKeyManager("slug")

    class Meta:
        ordering = ["-year", "-start_date", "name"]
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        indexes = [
            models.Index(fields=["year"], name="competition_year_idx"),
            # "On this day": the competitions begun on a date of past years.
            models.Index(
                fields=["start_date"],
                condition=models.Q(start_date__isnull=False),
                name="competition_start_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="competition_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="competition_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("results:competition", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def at_altitude(self):
        """Held high enough for its marks to carry an "A" (ALTITUDE_M)."""
        return self.altitude_m is not None and self.altitude_m >= ALTITUDE_M

    def clean(self):
        for field in ("start_date", "end_date"):
            day = getattr(self, field)
            if day and self.year and day.year != self.year:
                raise ValidationError({field: _("This date is not in the competition's year.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A competition cannot end before it starts.")})


class Event(RemembersLoaded, ArchiveModel):
    """One race or contest at a competition: the men's 20 km walk final, say."""

    remembered_fields = ("competition_id", "discipline_id", "sex", "round")

    class Round(models.TextChoices):
        FINAL = "final", _("Final")
        SEMI_FINAL = "semi", _("Semi-final")
        HEAT = "heat", _("Heat")
        QUALIFICATION = "qualification", _("Qualification")

    # The rounds in the order a competition runs them, whatever their codes' alphabet says.
    ROUNDS_AS_RUN = (Round.QUALIFICATION, Round.HEAT, Round.SEMI_FINAL, Round.FINAL)

    @classmethod
    def round_as_run(cls, field="round"):
        """An expression to order by: 0 for a qualification round, up to 3 for a final."""
        return Case(
            *(When(**{field: name}, then=Value(n)) for n, name in enumerate(cls.ROUNDS_AS_RUN)),
            output_field=models.IntegerField(),
        )

    # Neither key has an index of its own: event_unique_round starts with the competition,
    # event_discipline_sex_idx with the discipline (see `Result.event`).
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    round = models.CharField(_("round"), max_length=15, choices=Round.choices, default="final")
    date = models.DateField(_("date"), null=True, blank=True)
    video_url = models.URLField(_("video"), max_length=500, blank=True)
    complete = models.BooleanField(
        _("complete result list"),
        default=False,
        help_text=_(
            "Tick when the archive holds every finisher's place: only then is a gap in the "
            "places a problem. Archives often know just the winner and one athlete's place."
        ),
    )

    objects = NaturalKeyManager("competition__slug", "discipline__code", "sex", "round")

    class Meta:
        ordering = ["competition", "discipline", "sex", "round"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "discipline", "sex", "round"], name="event_unique_round"
            )
        ]
        indexes = [
            models.Index(fields=["discipline", "sex"], name="event_discipline_sex_idx"),
            # The races of a day ("on this day"), only those dated apart from their
            # competition: an undated race is found from its competition's start instead.
            models.Index(
                fields=["date"], condition=models.Q(date__isnull=False), name="event_date_idx"
            ),
        ]

    def __str__(self):
        return f"{self.competition} – {self.title}"

    def get_absolute_url(self):
        return link(
            "results:event",
            self.competition.slug,
            self.discipline.code,
            self.sex.lower(),
            self.round,
        )

    def natural_key(self):
        return (*self.competition.natural_key(), self.discipline.code, self.sex, self.round)

    natural_key.dependencies = ["results.competition", "results.discipline"]

    @property
    def title(self):
        """The event as pages title it ("Men's 20 km race walk"), in the reader's language."""
        discipline = self.discipline.label
        if self.sex == Sex.MEN:
            text = pgettext("event title", "Men's %(discipline)s") % {"discipline": discipline}
        else:
            text = pgettext("event title", "Women's %(discipline)s") % {"discipline": discipline}
        if self.round != self.Round.FINAL:
            text = f"{text}, {self.get_round_display().lower()}"
        return text

    @property
    def day(self):
        """The best-known day of the event: its own date, else the competition's start."""
        return self.date or self.competition.start_date

    def clean(self):
        competition = self.competition if self.competition_id else None
        if self.date and competition:
            starts, ends = competition.start_date, competition.end_date
            if self.date.year != competition.year or (
                starts and ends and not starts <= self.date <= ends
            ):
                raise ValidationError({"date": _("The date is outside the competition's dates.")})


# What a result's event shows with it: the discipline, the venue's nation, the championship.
EVENT_RELATED = (
    "event__discipline",
    "event__competition__country",
    "event__competition__championship",
)


class ResultQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("athlete__country", "country", *EVENT_RELATED)

    def finished(self):
        return self.filter(status=Result.Status.FINISHED)

    def finals(self):
        return self.filter(event__round=Event.Round.FINAL)

    def podiums(self):
        """Places 1–3 of finals, finished: the SQL of `Result.is_podium`."""
        return self.finals().finished().filter(place__lte=Result.PODIUM_PLACES)

    def medals(self):
        """Podiums of championships that award medals: the SQL of `Result.is_medal`."""
        return self.podiums().filter(event__competition__championship__awards_medals=True)

    def with_marks(self):
        return self.finished().filter(mark__isnull=False)

    def legal(self, discipline=None, include=()):
        """
        Marks that count in lists and for records: the SQL of `Result.is_legal`. `include`
        names the kinds kept apart that the reader asked to count too ("wind", "hand",
        "indoor"); `discipline`, when the rows are of one, leaves out the rules it has not.
        """
        marks = self.with_marks()
        for kind, condition in Result.kept_apart(discipline).items():
            if kind not in include:
                marks = marks.exclude(condition)
        return marks

    def in_sheet_order(self, discipline):
        """
        The order of a result sheet: finishers by place then best mark, then those with
        neither, then DNF, DNS, DQ and NM (the order of `Result.Status`); a shared place with
        one mark (a tie), or two DNFs, by the athletes' names.
        """
        mark = discipline.mark_order() if discipline is not None else F("mark").asc()
        return self.order_by(
            Result.status_as_listed(), F("place").asc(nulls_last=True), mark, *BY_ATHLETE_NAME
        )


# Results equal on everything a sheet ranks by, in the athletes' alphabetical order: read
# from the data alone (never row ids), so that two archives holding the same results, one
# exported and reloaded, list them alike. The athlete's slug makes it a total order in an
# event, where an athlete has one result.
BY_ATHLETE_NAME = tuple(f"athlete__{field}" for field in NAME_ORDER)


# The record tags in the one order a result keeps them, pages and downloads show them and
# the README, the admin's help and its messages list them: "WR OR", never "OR WR".
RECORD_TAGS = {
    "WR": _("World record"),
    "OR": _("Olympic record"),
    "WU20R": _("World U20 record"),
    "AR": _("Area record"),
    "CR": _("Championship record"),
    "NR": _("National record"),
    "MR": _("Meeting record"),
}


def canonical_records(text):
    """
    Record tags as a result keeps them: each once, in the order of `RECORD_TAGS`, so that
    one set is one value ("OR WR WR" is "WR OR") whether the admin, a pasted sheet or a
    fixture wrote it, and a fixture giving the same tags in another order is no conflict.
    A word that is no record tag follows as typed, for `Result.clean()` to name.
    """
    if not isinstance(text, str):
        return text
    tags = dict.fromkeys(text.split())
    known = [tag for tag in RECORD_TAGS if tag in tags]
    return " ".join(known + [tag for tag in tags if tag not in RECORD_TAGS])


class RecordTagsFormField(forms.CharField):
    """Record tags typed in any order, cleaned to the order the result keeps."""

    def to_python(self, value):
        return canonical_records(super().to_python(value))


class RecordTagsField(models.CharField):
    """
    A result's record tags, space-separated, kept in the order of `canonical_records`
    wherever they come in: read by a form, by a fixture (`to_python`), or saved by code.
    """

    def to_python(self, value):
        return canonical_records(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = canonical_records(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RecordTagsFormField, **kwargs})

    def deconstruct(self):
        # The column is a CharField's: migrations see one, so that no schema change is
        # made for what only orders the values (on SQLite, altering a column's class
        # copies the whole table: minutes for millions of results).
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class Result(RemembersLoaded, ArchiveModel):
    """One athlete's outcome in one event."""

    remembered_fields = ("athlete_id", "event_id")

    class Status(models.TextChoices):
        FINISHED = "OK", _("Finished")
        DID_NOT_FINISH = "DNF", _("Did not finish")
        DID_NOT_START = "DNS", _("Did not start")
        DISQUALIFIED = "DQ", _("Disqualified")
        NO_MARK = "NM", _("No mark")

    # A foreign key's own index is left out where an index of the model starts with it
    # (here result_event_place_idx and result_athlete_idx): it would serve no query they do
    # not, and every row written, two million at a time in a bulk load, would update it too.
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
    )
    athlete = models.ForeignKey(
        Athlete,
        verbose_name=_("athlete"),
        on_delete=models.PROTECT,
        related_name="results",
        db_index=False,
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("nation"),
        on_delete=models.PROTECT,
        related_name="results",
        help_text=_("The nation represented at the time."),
    )
    place = models.PositiveIntegerField(
        _("place"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACE)],
    )
    status = models.CharField(
        _("status"), max_length=3, choices=Status.choices, default=Status.FINISHED
    )
    mark = models.BigIntegerField(
        _("mark"),
        null=True,
        blank=True,
        help_text=_("Milliseconds, millimetres or points (see results.marks)."),
    )
    # The decimals of a time as its source printed it: 3:45.10 is stored as 225,100 ms, which
    # alone would read 3:45.1. Set from the mark typed (a form, a paste, a fixture's text),
    # or given beside a mark written as an integer; empty when unknown, and then the digits
    # of the value are shown. No form offers it apart from the mark.
    decimals = models.PositiveSmallIntegerField(
        _("decimals given"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(marks.MAX_DECIMALS)],
        help_text=_("How many decimals the source gave the time: 2 for 3:45.10."),
    )
    hand_timed = models.BooleanField(_("hand timed"), default=False)
    wind = models.DecimalField(
        _("wind (m/s)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-MAX_WIND), MaxValueValidator(MAX_WIND)],
        help_text=_("Leave empty when not measured: 0.0 is a measured calm."),
    )
    records = RecordTagsField(
        _("record tags"),
        max_length=40,
        blank=True,
        help_text=_("Space-separated: WR OR WU20R AR CR NR MR, as set at the time."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="results"
    )
    # Citations are part of a row's history, so that an undo restores them too.
    history_m2m_fields = ["sources"]

    objects = NaturalKeyManager.from_queryset(ResultQuerySet)(
        "event__competition__slug",
        "event__discipline__code",
        "event__sex",
        "event__round",
        "athlete__slug",
    )

    class Meta:
        ordering = ["event", "place"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["event", "athlete"], name="result_once_per_event"),
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(place__gte=1), name="result_place_positive"
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(place__lte=MAX_PLACE),
                name="result_place_bounded",
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gt=0), name="result_mark_positive"
            ),
            models.CheckConstraint(
                condition=Q(wind__isnull=True) | Q(wind__gte=-MAX_WIND, wind__lte=MAX_WIND),
                name="result_wind_plausible",
            ),
            models.CheckConstraint(
                condition=~Q(status="OK") | Q(place__isnull=False) | Q(mark__isnull=False),
                name="result_finished_has_place_or_mark",
            ),
            models.CheckConstraint(
                condition=Q(status="OK") | Q(place__isnull=True),
                name="result_unfinished_has_no_place",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["OK", "DNF", "DNS", "DQ", "NM"]),
                name="result_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["athlete", "event"], name="result_athlete_idx"),
            models.Index(fields=["event", "status", "place"], name="result_event_place_idx"),
            models.Index(fields=["event", "mark"], name="result_event_mark_idx"),
            # Medal tables read only podium places: a partial index keeps them to ~15% of rows.
            models.Index(
                fields=["country", "place", "event"],
                condition=Q(place__lte=3),
                name="result_podium_country_idx",
            ),
            models.Index(
                fields=["athlete", "place", "event"],
                condition=Q(place__lte=3),
                name="result_podium_athlete_idx",
            ),
            # The home page's latest records: the few results with a record tag.
            models.Index(fields=["event"], condition=~Q(records=""), name="result_record_idx"),
        ]

    def __str__(self):
        return f"{self.athlete} – {self.event}"

    def natural_key(self):
        return (*self.event.natural_key(), self.athlete.slug)

    natural_key.dependencies = ["results.event", "athletes.athlete"]

    @property
    def mark_display(self):
        return self.event.discipline.format_mark(
            self.mark, hand_timed=self.hand_timed, decimals=self.decimals
        )

    # A change of the decimals given is a change of the mark as it reads.
    history_part_of = {"decimals": "mark"}

    def history_value(self, name, value):
        if name == "mark" and value is not None:
            try:
                return self.event.discipline.format_mark(
                    value, hand_timed=self.hand_timed, decimals=self.decimals
                )
            except ObjectDoesNotExist:  # the event has been deleted since
                return value
        return super().history_value(name, value)

    @property
    def speed_kmh(self):
        return marks.average_speed_kmh(self.mark, self.event.discipline)

    @property
    def record_tags(self):
        return self.records.split()

    @property
    def record_labels(self):
        """
        The record tags as a page shows them: a world record that the discipline's current
        world record has since beaten is an "ex-WR", as statisticians write it.
        """
        labels = []
        for tag in self.record_tags:
            if tag == "WR" and self.mark is not None:
                discipline = self.event.discipline
                current = discipline.world_record(self.event.sex)
                if current is not None and discipline.beats(current, self.mark):
                    tag = "ex-WR"
            labels.append(tag)
        return labels

    @property
    def is_finished(self):
        return self.status == self.Status.FINISHED

    @staticmethod
    def ahead(place, finished, other_place, other_finished):
        """
        Whether a result (its place, whether it finished) was ahead of another in the same
        race: True, False, or None when neither was. A finisher is ahead of anyone who did
        not finish (DNF, DQ, DNS); between two finishers the better place is; equal or
        unknown places, or two who did not finish, put neither ahead. The rule of the
        rivals table and the head-to-head page.
        """
        if finished != other_finished:
            return finished
        if not finished or place is None or other_place is None or place == other_place:
            return None
        return place < other_place

    def finished_ahead_of(self, other):
        """`Result.ahead` for two results of one race."""
        return self.ahead(self.place, self.is_finished, other.place, other.is_finished)

    # Podiums and medals ---------------------------------------------------------------

    PODIUM_PLACES = 3
    MEDALS = {1: "gold", 2: "silver", 3: "bronze"}

    @property
    def is_podium(self):
        """Places 1–3 of a final, finished (`ResultQuerySet.podiums` in SQL)."""
        return (
            self.is_finished
            and self.event.round == Event.Round.FINAL
            and self.place is not None
            and self.place <= self.PODIUM_PLACES
        )

    @property
    def is_medal(self):
        """A podium of a championship that awards medals (`ResultQuerySet.medals` in SQL)."""
        championship = self.event.competition.championship
        return self.is_podium and championship is not None and championship.awards_medals

    @property
    def medal(self):
        """ "gold", "silver" or "bronze" for a medal, else ""."""
        return self.MEDALS[self.place] if self.is_medal else ""

    # Legal marks ------------------------------------------------------------------------

    # What keeps a mark out of lists and records, by kind: a reader may count each kind in.
    APART_KINDS = {
        "wind": _("wind-aided or wind not measured"),
        "hand": _("hand-timed"),
        "indoor": _("indoor"),
    }

    @classmethod
    def kept_apart(cls, discipline=None):
        """
        {kind: Q} of the results kept apart from legal marks, in SQL: the rules of
        `apart_kinds`. Given the discipline, only the rules it has, as constants.
        """
        if discipline is not None:
            conditions = {}
            if discipline.wind_limit is not None:
                conditions["wind"] = Q(wind__gt=discipline.wind_limit) | Q(
                    wind__isnull=True, event__competition__indoor=False
                )
            if discipline.is_sprint:
                conditions["hand"] = Q(hand_timed=True)
            if discipline.keeps_indoor_apart:
                conditions["indoor"] = Q(event__competition__indoor=True)
            return conditions
        by_limit = {}
        for code, limit in WIND_LIMITS.items():
            by_limit.setdefault(limit, []).append(code)
        wind = Q()
        for limit, codes in by_limit.items():
            wind |= Q(event__discipline__code__in=codes) & (
                Q(wind__gt=limit) | Q(wind__isnull=True, event__competition__indoor=False)
            )
        sprint = Q(
            event__discipline__measure=marks.TIME,
            event__discipline__venue__in=[Discipline.Venue.TRACK, Discipline.Venue.INDOOR],
            event__discipline__distance_m__lte=400,
        )
        return {
            "wind": wind,
            "hand": Q(hand_timed=True) & sprint,
            "indoor": Q(event__competition__indoor=True)
            & ~Q(event__discipline__venue__in=[Discipline.Venue.INDOOR, Discipline.Venue.ROAD]),
        }

    @property
    def wind_aided(self):
        limit = self.event.discipline.wind_limit
        return limit is not None and self.wind is not None and self.wind > limit

    @property
    def wind_not_measured(self):
        """Outdoors, in a discipline where wind is read, no reading (there is none indoors)."""
        return (
            self.event.discipline.wind_measured
            and self.wind is None
            and not self.event.competition.indoor
        )

    @property
    def indoor_apart(self):
        return self.event.competition.indoor and self.event.discipline.keeps_indoor_apart

    @property
    def at_altitude(self):
        return self.event.competition.at_altitude

    # The kind kept apart that each flag says, where it says one (a mark at altitude counts).
    APART_FLAGS = {"w": "wind", "nwi": "wind", "h": "hand", "i": "indoor"}

    @property
    def apart_kinds(self):
        """The kinds of `kept_apart` this mark is of, in Python: read from its flags."""
        return {self.APART_FLAGS[flag] for flag in self.flags if flag in self.APART_FLAGS}

    @property
    def is_legal(self):
        """A finished mark that counts in lists and for records (`ResultQuerySet.legal`)."""
        return self.is_finished and self.mark is not None and not self.apart_kinds

    def counts_with(self, include=()):
        """A mark that counts when the reader also counts the kinds in `include`."""
        return self.is_finished and self.mark is not None and self.apart_kinds <= set(include)

    FLAG_LABELS = {
        "w": _("wind-aided"),
        "nwi": _("no wind information"),
        "h": _("hand-timed"),
        "i": _("indoor"),
        "A": _("at altitude"),
    }

    @property
    def flag_labels(self):
        return [(flag, self.FLAG_LABELS[flag]) for flag in self.flags]

    @property
    def flags(self):
        """The letters statisticians print after a mark: w, nwi, h, i, A."""
        # A result without a mark (DNF, DNS…) has nothing to flag, not even its venue.
        if not self.is_finished or self.mark is None:
            return []
        discipline = self.event.discipline
        flags = []
        if self.wind_aided:
            flags.append("w")
        if self.wind_not_measured:
            flags.append("nwi")
        if self.hand_timed and discipline.is_sprint:
            flags.append("h")
        if self.indoor_apart:
            flags.append("i")
        if self.at_altitude:
            flags.append("A")
        return flags

    @property
    def record_eligible_problem(self):
        """Why this mark cannot be a record, or "" (a `check_archive` rule)."""
        if not self.record_tags:
            return ""
        if self.wind_aided:
            return _("a wind-aided mark (%(wind)+.1f m/s) cannot be a record") % {"wind": self.wind}
        if self.wind_not_measured:
            return _("a mark without a wind reading cannot be a record in this discipline")
        return ""

    @classmethod
    def status_as_listed(cls):
        """
        An expression to order by: finishers first, then DNF, DNS, DQ and NM (the order of
        `Result.Status`), whatever their codes' alphabet says ("DNF" comes before "OK").
        """
        statuses = list(cls.Status)
        return Case(
            *[When(status=code, then=Value(index)) for index, code in enumerate(statuses)],
            default=Value(len(statuses)),
        )

    def clean(self):
        errors = {}
        if self.status != self.Status.FINISHED:
            if self.place is not None:
                errors["place"] = _("Only a finished result has a place.")
            if self.mark is not None:
                errors["mark"] = _("Only a finished result has a mark.")
        elif self.place is None and self.mark is None:
            errors["place"] = _("A finished result needs a place or a mark.")
        unknown = [tag for tag in self.record_tags if tag not in RECORD_TAGS]
        if unknown:
            errors["records"] = _("Unknown record tag(s): %(tags)s. Known: %(known)s.") % {
                "tags": " ".join(unknown),
                "known": " ".join(RECORD_TAGS),
            }
        event, athlete = self._related("event"), self._related("athlete")
        if event is not None and athlete is not None:
            if event.sex != athlete.sex:
                errors.setdefault(
                    "athlete", _("This athlete does not compete in this event's sex.")
                )
            competition = event.competition if event.competition_id else None
            day = event.date or (competition.start_date if competition else None)
            # When only the year is known, the years are compared.
            when = day or (competition.year if competition else None)
            born, retired = athlete.date_of_birth, athlete.retired_on
            if when and born and (when < born if day else when < born.year):
                errors.setdefault("athlete", _("The event took place before the athlete's birth."))
            if when and retired and (when > retired if day else when > retired.year):
                errors.setdefault(
                    "athlete", _("The event took place after the athlete's retirement.")
                )
        if event is not None and self.wind is not None and event.discipline_id:
            if not event.discipline.wind_measured:
                errors.setdefault("wind", _("No wind is read in this discipline."))
            elif event.competition_id and event.competition.indoor:
                errors.setdefault("wind", _("No wind is read indoors."))
        if event is not None and self.mark is not None and event.discipline_id:
            self._check_mark(event.discipline, errors)
        if event is not None and self.hand_timed and event.discipline_id:
            self._check_hand_time(event.discipline, errors)
        if (
            event is not None
            and event.discipline_id
            and event.discipline.is_sprint
            and not self.hand_timed
            and self.decimals is not None
            and self.decimals < marks.MAX_DECIMALS
        ):
            # Photo-finish reads a sprint to the hundredth; a source printing tenths (10.2)
            # timed it by hand, and 10.20 would invent a digit.
            errors.setdefault(
                "mark",
                _(
                    "A sprint timed automatically is read to the hundredth (10.20): a time "
                    "to the tenth or the second is a hand time: tick hand-timed."
                ),
            )
        if errors:
            raise ValidationError(errors)

    def _check_hand_time(self, discipline, errors):
        """A stopwatch times a race, to the tenth of a second at best."""
        if discipline.measure != marks.TIME:
            errors.setdefault("hand_timed", _("Only a time can be hand-timed."))
        elif self.mark is not None and self.mark % 100:
            errors.setdefault(
                "mark",
                _(
                    "A hand time is read to the tenth of a second, not to the hundredth: "
                    "untick hand-timed for a fully automatic time."
                ),
            )

    def unique_error_message(self, model_class, unique_check):
        # Who, in the editor's words, not "Result with this Event and Athlete".
        if model_class is Result and tuple(unique_check) == ("event", "athlete"):
            return ValidationError(
                _("%(athlete)s already has a result in this event.")
                % {"athlete": self._related("athlete")},
                code="unique_together",
            )
        return super().unique_error_message(model_class, unique_check)

    def _related(self, name):
        """The related object, even one not saved yet (an event typed with its results)."""
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None

    def _check_mark(self, discipline, errors):
        """
        The stored integer must be a mark the admin would accept for the discipline, however
        it was written (a form, a paste, a fixture): `marks.check_mark_value` is that rule.
        """
        try:
            marks.check_mark_value(self.mark, discipline)
        except ValidationError as error:
            errors["mark"] = error.messages[0]


class Barrier(ArchiveModel):
    """A threshold that statisticians count marks against: 20 km walk under 1 h 20'."""

    discipline = models.ForeignKey(
        Discipline, verbose_name=_("discipline"), on_delete=models.CASCADE, related_name="barriers"
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    mark = models.BigIntegerField(_("threshold"), help_text=_("As a stored mark."))

    objects = NaturalKeyManager("discipline__code", "sex", "mark")

    class Meta:
        ordering = ["discipline", "sex", "mark"]
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        constraints = [
            models.UniqueConstraint(fields=["discipline", "sex", "mark"], name="barrier_unique"),
            models.CheckConstraint(condition=Q(mark__gt=0), name="barrier_mark_positive"),
        ]

    def __str__(self):
        better = _("under") if self.discipline.lower_is_better else _("over")
        return f"{self.discipline} {better} {self.discipline.format_mark(self.mark)}"

    @property
    def label(self):
        """The barrier as pages print it ("20 km race walk under 1:20:00"), in the reader's
        language, word order included."""
        if self.discipline.lower_is_better:
            text = gettext("%(discipline)s under %(mark)s")
        else:
            text = gettext("%(discipline)s over %(mark)s")
        return text % {
            "discipline": self.discipline.label,
            "mark": self.discipline.format_mark(self.mark),
        }

    def natural_key(self):
        return (self.discipline.code, self.sex, self.mark)

    natural_key.dependencies = ["results.discipline"]


class Claim(ArchiveModel):
    """
    What a source says of an athlete's record in its own summary ("2 x bronze", "7
    performances under 1 h 20'"), kept as that source's claim. The archive's own figures are
    always derived from results; a claim only lets `check_archive` and editors see where a
    source's summary and the results disagree.
    """

    class Subject(models.TextChoices):
        MEDALS = "medals", _("Medals won")
        BARRIER = "barrier", _("Marks beating a barrier")

    class Medal(models.TextChoices):
        GOLD = "gold", _("Gold")
        SILVER = "silver", _("Silver")
        BRONZE = "bronze", _("Bronze")

    athlete = models.ForeignKey(
        Athlete, verbose_name=_("athlete"), on_delete=models.CASCADE, related_name="claims"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="claims"
    )
    quote = models.CharField(
        _("as the source writes it"), max_length=300, help_text=_("“2 x bronze medalist”.")
    )
    subject = models.CharField(_("counts"), max_length=10, choices=Subject.choices)
    championship = models.ForeignKey(
        Championship,
        verbose_name=_("championship"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Medals only; leave empty for medals at every championship."),
    )
    medal = models.CharField(
        _("medal"),
        max_length=6,
        choices=Medal.choices,
        blank=True,
        help_text=_("Medals only; leave empty to count every medal."),
    )
    barrier = models.ForeignKey(
        Barrier,
        verbose_name=_("barrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Barrier claims only."),
    )
    count = models.PositiveIntegerField(_("count"))

    objects = NaturalKeyManager("athlete__slug", "position")

    class Meta:
        ordering = ["athlete", "position"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "position"], name="claim_position_unique_per_athlete"
            ),
            models.CheckConstraint(
                condition=Q(subject="medals", barrier__isnull=True)
                | Q(subject="barrier", barrier__isnull=False, championship__isnull=True, medal=""),
                name="claim_subject_fields",
            ),
        ]

    def __str__(self):
        return self.quote

    def natural_key(self):
        return (self.athlete.slug, self.position)

    natural_key.dependencies = [
        "athletes.athlete",
        "athletes.source",
        "results.championship",
        "results.barrier",
    ]

    def clean(self):
        if self.subject == self.Subject.MEDALS and self.barrier_id:
            raise ValidationError({"barrier": _("A medal claim names no barrier.")})
        if self.subject == self.Subject.BARRIER:
            if not self.barrier_id:
                raise ValidationError({"barrier": _("Choose the barrier the claim counts.")})
            if self.championship_id or self.medal:
                raise ValidationError(
                    {"championship": _("A barrier claim names no championship or medal.")}
                )


class BestMark(QuickLoad, models.Model):
    """
    Each athlete's best legal mark in each discipline: derived from results, never edited,
    so that an all-time list of performers reads one row per athlete from an index instead
    of ranking every mark of the discipline. Kept in the same transaction as the results it
    derives from (`results.bestmarks`); `manage.py rebuild_best_marks` rebuilds it.
    """

    # No index of their own (see `Result.event`): best_mark_unique starts with the athlete,
    # best_mark_list_idx with the discipline.
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+", db_index=False)
    discipline = models.ForeignKey(
        Discipline, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    result = models.OneToOneField(Result, on_delete=models.CASCADE, related_name="+")
    mark = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("best mark")
        constraints = [
            models.UniqueConstraint(fields=["athlete", "discipline"], name="best_mark_unique")
        ]
        indexes = [
            # An all-time list of performers: one discipline and sex, best first, ties by year.
            models.Index(
                fields=["discipline", "sex", "mark", "year", "result"], name="best_mark_list_idx"
            )
        ]

    def __str__(self):
        return f"{self.athlete_id} {self.discipline_id} {self.mark}"


class BestMarkCountQuerySet(models.QuerySet):
    def length(self, discipline, sex):
        """How many athletes the whole archive's list of performers of `discipline` ranks."""
        counts = self.filter(discipline=discipline, sex=sex).values_list("athletes", flat=True)
        return next(iter(counts), 0)


class BestMarkCount(QuickLoad, models.Model):
    """
    How many athletes have a legal mark in each discipline and sex, the rows of `BestMark`:
    the length of a whole archive's list of performers, read from one row rather than
    counted over the tens of thousands of a busy discipline. Derived as `ListedMarkCount`
    is, and moved the same way: by every change of the best marks, in the same transaction
    (`results.bestmarks.count_performers`), only ever by adding to it; rebuilt by
    `manage.py rebuild_best_marks`.
    """

    discipline = models.ForeignKey(Discipline, on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    athletes = models.IntegerField(default=0)

    objects = BestMarkCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("count of best marks")
        constraints = [
            models.UniqueConstraint(fields=["discipline", "sex"], name="best_mark_count_unique")
        ]

    def __str__(self):
        return f"{self.discipline_id} {self.sex}: {self.athletes}"


class ListedMarkQuerySet(models.QuerySet):
    def allowed_apart(self, include=()):
        """The values of `apart` a reader counting the kinds `include` sees: their subsets."""
        mask = ListedMark.mask(include)
        return [bits for bits in range(8) if bits & ~mask == 0]

    def counted(self, include=()):
        """The marks that count: legal ones, and those of the kinds the reader includes."""
        return self.filter(apart__in=self.allowed_apart(include))

    def counted_by_bits(self, include=()):
        """
        `counted`, tested on each row's bits rather than looked up as a list of values: for
        the few marks of one athlete in a discipline (`marks_kept_apart`). After ANALYZE,
        SQLite 3.40 (Debian 12's) looked the list up in listed_mark_athlete_idx, then the
        better marks as a range after it, and found none that were there (3.51 finds them).
        """
        mask = ListedMark.mask(include)
        if not mask:
            return self.filter(apart=0)  # Legal marks alone: one value, sought in the index.
        return self.alias(apart_with_counted=F("apart").bitor(mask)).filter(apart_with_counted=mask)

    def kept_apart(self, include=()):
        """The marks a list leaves out, as the reader counts them."""
        # "Not legal" (true of every mark left out) lets the planner read the partial index
        # of marks kept apart, best first, instead of sorting all of a discipline's.
        return self.exclude(apart=0).exclude(apart__in=self.allowed_apart(include))


class ListedMark(QuickLoad, models.Model):
    """
    Every finished result with a mark, narrowed to what the all-time and season lists read
    (discipline, sex, year, nation, athlete, mark) and why it may be kept apart (`apart`, a
    bit per kind of `Result.APART_KINDS`: 0 is a legal mark), so that a list is an index
    range of one table instead of a join of results, events and competitions. Derived, kept
    in the same transaction as the results (`results.bestmarks`), rebuilt by
    `manage.py rebuild_best_marks`.
    """

    result = models.OneToOneField(
        Result, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    # No index of its own (see `Result.event`): each list index starts with it.
    discipline = models.ForeignKey(
        Discipline, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    year = models.PositiveSmallIntegerField()
    mark = models.BigIntegerField()
    apart = models.PositiveSmallIntegerField(default=0)

    # The bit of `apart` for each kind of mark kept apart.
    BITS = {"wind": 1, "hand": 2, "indoor": 4}

    objects = ListedMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("listed mark")
        indexes = [
            # A list of one discipline and sex, legal marks first, best first, ties by year.
            models.Index(
                fields=["discipline", "sex", "apart", "mark", "year", "result"],
                name="listed_mark_list_idx",
            ),
            # A season's list, or a range of years; with `apart`, the best mark of each year
            # (the progression) is read from the index alone.
            models.Index(
                fields=["discipline", "sex", "year", "mark", "apart"], name="listed_mark_year_idx"
            ),
            # A nation's list (and its years): its marks, athletes and progression read from
            # the index alone rather than from the rows of every nation's marks.
            models.Index(
                fields=[
                    "discipline",
                    "sex",
                    "country",
                    "year",
                    "mark",
                    "apart",
                    "athlete",
                    "result",
                ],
                name="listed_mark_nation_idx",
            ),
            # The best marks kept apart, shown under a list: a tenth of the marks at most.
            models.Index(
                fields=["discipline", "sex", "mark", "year", "result"],
                condition=~models.Q(apart=0),
                name="listed_mark_apart_idx",
            ),
            # An athlete's marks of a discipline, as a list counts them: whether a mark kept
            # apart betters them (`marks_kept_apart`), read from the index alone. (The
            # athlete's own key keeps its index: dropping it rebuilds the table on SQLite.)
            models.Index(
                fields=["athlete", "discipline", "sex", "apart", "mark", "year"],
                name="listed_mark_athlete_idx",
            ),
        ]

    def __str__(self):
        return f"{self.result_id} {self.mark}"

    @classmethod
    def mask(cls, kinds):
        return sum(cls.BITS[kind] for kind in kinds)


class RowCountQuerySet(models.QuerySet):
    def of(self, queryset):
        """
        How many rows `queryset` holds when it is a whole counted table (no filter, no
        slice, no DISTINCT, no union: every row of the table), read from its one row; None
        for any other queryset or list, which is counted as Django counts it.
        """
        if not isinstance(queryset, models.QuerySet):
            return None
        model = queryset.model
        query = queryset.query
        if (
            model not in RowCount.COUNTED
            or query.where
            or query.is_sliced
            or query.distinct
            or query.combinator
        ):
            return None
        rows = self.filter(table=model._meta.db_table).values_list("rows", flat=True)
        return next(iter(rows), 0)


class RowCount(QuickLoad, models.Model):
    """
    How many rows a table holds, for the tables whose whole length a page shows: the
    athletes, the length of the unfiltered directory (/athletes/ and /api/v1/athletes/).
    PostgreSQL counts a table by reading every row of it or of an index: 13 ms for 200,000
    athletes, growing with the archive. Derived as `BestMarkCount` is: moved by every athlete
    added or deleted, in the same transaction (`results.bestmarks.count_rows`), only ever by
    adding to it; rebuilt by `manage.py rebuild_best_marks`.
    """

    COUNTED = (Athlete,)

    table = models.CharField(max_length=63, primary_key=True)
    rows = models.BigIntegerField(default=0)

    objects = RowCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("count of rows")

    def __str__(self):
        return f"{self.table}: {self.rows}"


class ListedMarkCountQuerySet(models.QuerySet):
    def length(self, discipline, sex, include=()):
        """How many marks of `discipline` and `sex` count, as a reader counting `include` sees."""
        allowed = ListedMark.objects.allowed_apart(include)
        counts = self.filter(discipline=discipline, sex=sex, apart__in=allowed)
        return counts.aggregate(marks=models.Sum("marks"))["marks"] or 0


class ListedMarkCount(QuickLoad, models.Model):
    """
    How many listed marks each discipline and sex has, per value of `apart`: the length of
    a whole archive's list of performances, read from a row or two rather than counted over
    the tens of thousands of marks of a busy discipline. Derived: moved by every change of
    the listed marks in the same transaction (`results.bestmarks.count_listed`), rebuilt by
    `manage.py rebuild_best_marks`. A count only ever moves by adding to it, so that two
    editors saving results of one discipline at once wait for each other rather than one
    counting over the other; a count of 0 stays until a rebuild.
    """

    discipline = models.ForeignKey(Discipline, on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    apart = models.PositiveSmallIntegerField()
    marks = models.IntegerField(default=0)

    objects = ListedMarkCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("count of listed marks")
        constraints = [
            models.UniqueConstraint(
                fields=["discipline", "sex", "apart"], name="listed_mark_count_unique"
            )
        ]

    def __str__(self):
        return f"{self.discipline_id} {self.sex} {self.apart}: {self.marks}"


class Medal(QuickLoad, models.Model):
    """
    Every medal (`Result.is_medal`) with what medal tables group and filter by, so that a
    table is a GROUP BY over one narrow table of podiums instead of a join of results,
    events, competitions and championships. Derived, kept in the same transaction as the
    results (`results.bestmarks`), rebuilt by `manage.py rebuild_best_marks`.
    """

    result = models.OneToOneField(
        Result, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # No index of their own but the discipline's (see `Result.event`): an index below
    # starts with each of the others.
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+", db_index=False)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", db_index=False)
    championship = models.ForeignKey(
        Championship, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    discipline = models.ForeignKey(Discipline, on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    year = models.PositiveSmallIntegerField()
    place = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("medal")
        indexes = [
            # A nation's tables by championship and by athlete, read from the index alone: a
            # nation's 855 medals were 671 pages of the table on PostgreSQL (0.5 ms a query).
            models.Index(
                fields=["country", "place", "championship", "athlete"], name="medal_country_idx"
            ),
            models.Index(fields=["athlete", "place"], name="medal_athlete_idx"),
            # A championship's table over years (and sex, discipline), read from the index.
            models.Index(
                fields=["championship", "year", "sex", "discipline", "place", "athlete", "country"],
                name="medal_championship_idx",
            ),
            # A championship's tables by nation and by athlete: each group read in order from
            # the index alone, narrowed there by years, sex and discipline too.
            models.Index(
                fields=["championship", "country", "place", "year", "sex", "discipline"],
                name="medal_championship_nation_idx",
            ),
            models.Index(
                fields=["championship", "athlete", "place", "year", "sex", "discipline"],
                name="medal_championship_athlete_idx",
            ),
            models.Index(fields=["competition"], name="medal_competition_idx"),
        ]

    def __str__(self):
        return f"{self.result_id} {self.place}"


class MedalTally(models.Model):
    """
    One subject's medals over the whole archive, counted from `Medal`: the all-time medal
    tables read the first rows of an index instead of grouping every medal on each request.
    Derived, kept with the medals (`results.bestmarks`), rebuilt by `rebuild_best_marks`.
    """

    gold = models.PositiveIntegerField(default=0)
    silver = models.PositiveIntegerField(default=0)
    bronze = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class AthleteMedalTally(MedalTally):
    athlete = models.OneToOneField(
        Athlete, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        verbose_name = _("athlete's medal tally")
        indexes = [
            models.Index(fields=["-gold", "-silver", "-bronze"], name="athlete_tally_rank_idx")
        ]

    def __str__(self):
        return f"{self.athlete_id} {self.gold}-{self.silver}-{self.bronze}"


class CountryMedalTally(MedalTally):
    country = models.OneToOneField(
        Country, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nation's medal tally")
        indexes = [
            models.Index(fields=["-gold", "-silver", "-bronze"], name="country_tally_rank_idx")
        ]

    def __str__(self):
        return f"{self.country_id} {self.gold}-{self.silver}-{self.bronze}"


class ArchiveVersion(models.Model):
    """
    A counter that every change to the archive's data moves on (see `results.caching`), so
    that cached tables are keyed by the state of the data and never served stale.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("archive version")

    def __str__(self):
        return str(self.number)
