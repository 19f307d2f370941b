"""
What sources claim of an athlete, checked against what the results give.

A source's own summary ("2 x bronze", "7 performances under 1 h 20'") is kept as a `Claim`
citing it; the archive's figures stay derived from results (`results.standings`) and a claim
never changes them. `contradicted_claims()` derives each claim's figure the way the athlete's
page derives it and returns the claims the results contradict, for `check_archive`, its
admin page and the note editors see on a profile. A contradiction is not an error in the
archive: sources miscount, and results may be missing, so editors judge each one.

Whatever the number of claims, the figures are read in a fixed number of queries: the
claims, one aggregate of medals and one stream of marks for the barriers they count.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Claim, Result
from .problems import CHUNK_SIZE, admin_url

# The place that wins each medal a claim can name.
PLACE_OF_MEDAL = {medal: place for place, medal in Result.MEDALS.items()}


@dataclass
class ContradictedClaim:
    """A source's claim and the figure the results give instead."""

    claim: Claim
    derived: int
    admin_url: str = field(default="", repr=False)

    @property
    def message(self):
        claim = self.claim
        return _("%(athlete)s – “%(source)s” says %(claimed)s; the results give %(derived)d.") % {
            "athlete": claim.athlete,
            "source": claim.source.title,
            "claimed": describe(claim),
            "derived": self.derived,
        }


def contradicted_claims(claims=None):
    """
    The claims of `claims` (a QuerySet of claims, every claim when None) whose count differs
    from the figure derived from results, as `ContradictedClaim`s by athlete and position.
    """
    if claims is None:
        claims = Claim.objects.all()
    # The claimed athletes as a subquery: no list of ids grows with the archive.
    athletes = claims.order_by().values("athlete_id")
    related = ("athlete", "source", "championship", "barrier__discipline")
    claims = list(claims.select_related(*related).order_by("athlete_id", "position"))
    if not claims:
        return []
    medals = _medal_counts(claims, athletes)
    marks = _barrier_marks(claims, athletes)
    contradicted = []
    for claim in claims:
        if claim.subject == Claim.Subject.MEDALS:
            derived = _claimed_medals(claim, medals)
        else:
            derived = _marks_beating(claim, marks)
        if derived != claim.count:
            contradicted.append(ContradictedClaim(claim, derived, admin_url(claim)))
    return contradicted


def _medal_counts(claims, athletes):
    """{athlete_id: [(championship_id, place, count)]}: one GROUP BY over their medals."""
    if not any(claim.subject == Claim.Subject.MEDALS for claim in claims):
        return {}
    rows = (
        Result.objects.medals()
        .filter(athlete_id__in=athletes)
        .values("athlete_id", "event__competition__championship_id", "place")
        .annotate(count=Count("pk"))
        .order_by()
    )
    medals = defaultdict(list)
    for row in rows:
        medals[row["athlete_id"]].append(
            (row["event__competition__championship_id"], row["place"], row["count"])
        )
    return medals


def _claimed_medals(claim, medals):
    place = PLACE_OF_MEDAL.get(claim.medal)
    return sum(
        count
        for championship_id, medal_place, count in medals.get(claim.athlete_id, [])
        if claim.championship_id in (None, championship_id) and place in (None, medal_place)
    )


def _barrier_marks(claims, athletes):
    """
    {(athlete_id, discipline_id): [mark]}: the finished marks of the claimed athletes in the
    disciplines of the barriers they are claimed to beat, streamed in one query.
    """
    disciplines = {
        claim.barrier.discipline_id for claim in claims if claim.subject == Claim.Subject.BARRIER
    }
    if not disciplines:
        return {}
    rows = (
        Result.objects.legal()
        .filter(athlete_id__in=athletes, event__discipline_id__in=disciplines)
        .values_list("athlete_id", "event__discipline_id", "mark")
        .order_by()
    )
    marks = defaultdict(list)
    for athlete_id, discipline_id, mark in rows.iterator(chunk_size=CHUNK_SIZE):
        marks[athlete_id, discipline_id].append(mark)
    return marks


def _marks_beating(claim, marks):
    """
    How many of the athlete's marks beat the claim's barrier, counted as the profile counts
    them (`standings.bests.barrier_counts`): legal marks (`Result.is_legal`) in the
    barrier's discipline, and only a barrier of the athlete's own sex.
    """
    barrier = claim.barrier
    if barrier.sex != claim.athlete.sex:
        return 0
    discipline = barrier.discipline
    return sum(
        1
        for mark in marks.get((claim.athlete_id, discipline.pk), [])
        if discipline.beats(mark, barrier.mark)
    )


def describe(claim):
    """The claim's figure in the archive's words: "2 bronze medals at the World Race…"."""
    count = claim.count
    if claim.subject == Claim.Subject.BARRIER:
        discipline = claim.barrier.discipline
        if discipline.lower_is_better:
            text = ngettext(
                "%(count)d performance under %(mark)s in the %(discipline)s",
                "%(count)d performances under %(mark)s in the %(discipline)s",
                count,
            )
        else:
            text = ngettext(
                "%(count)d performance over %(mark)s in the %(discipline)s",
                "%(count)d performances over %(mark)s in the %(discipline)s",
                count,
            )
        return text % {
            "count": count,
            "mark": discipline.format_mark(claim.barrier.mark),
            "discipline": discipline.label,
        }
    if claim.championship_id and claim.medal:
        text = ngettext(
            "%(count)d %(medal)s medal at the %(championship)s",
            "%(count)d %(medal)s medals at the %(championship)s",
            count,
        )
    elif claim.championship_id:
        text = ngettext(
            "%(count)d medal at the %(championship)s",
            "%(count)d medals at the %(championship)s",
            count,
        )
    elif claim.medal:
        text = ngettext(
            "%(count)d %(medal)s championship medal",
            "%(count)d %(medal)s championship medals",
            count,
        )
    else:
        text = ngettext("%(count)d championship medal", "%(count)d championship medals", count)
    return text % {
        "count": count,
        "medal": claim.get_medal_display().lower(),
        "championship": claim.championship,
    }
