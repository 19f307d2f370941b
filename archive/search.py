"""
The search page's finding: athletes by the words of their names and aliases (in any order;
accents, capitals and scripts ignored; from the words' index), competitions by the words of
their name and city, disciplines and nations by code or by the words of their name as stored
or as the reader's language prints it ("españa", "20 km marcha"), and a "did you mean" built
from the athletes' words when a typed word finds nobody.

Every search runs the same queries whatever the archive holds: one per kind, and one more
for a suggestion.
"""

from functools import lru_cache

from django.db.models import Q
from rapidfuzz import fuzz, process

from athletes.models import (
    MAX_QUERY_WORDS,
    Athlete,
    Country,
    SearchWord,
    fold,
    starting_with,
    typed_words,
)
from results.models import Competition, Discipline

SEARCH_LIMIT = 20
MAX_QUERY_LENGTH = 100
# A word is suggested for a typed one that found nothing when they are this alike (0–100),
# chosen among the indexed words that share its first two letters.
SUGGESTION_SCORE = 75
SUGGESTION_CANDIDATES = 5000
KINDS = ("athletes", "competitions", "disciplines", "countries")


def clean_query(typed):
    """What was typed, without control characters (a NUL byte, which PostgreSQL refuses
    among them: never part of a name) and cut to a sane length."""
    return "".join(c for c in typed if c.isprintable()).strip()[:MAX_QUERY_LENGTH]


def competitions_matching(query):
    """Competitions whose name or city holds each typed word, in any order."""
    words = query.split()[:MAX_QUERY_WORDS]
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(city__icontains=word)
    return Competition.objects.filter(condition).select_related("country").order_by("-year")


@lru_cache(maxsize=4096)
def folded_names(name, label):
    """A row's name as stored and as the reader's language prints it, folded (kept: the same
    few hundred for every search)."""
    return fold(f"{name} {label}")


def named_matching(model, query, key=None):
    """
    The rows of a short table of reference (the nations, the disciplines) whose code is
    `query`, or whose name holds each typed word, in any order, accents and capitals ignored,
    as stored or as the reader's language prints it: a Spanish reader finds Spain as
    "españa". The table is read whole (some two hundred rows at most) and matched here,
    where the translated names are.
    """
    words = fold(query).split()[:MAX_QUERY_WORDS]
    code = query.strip().upper()
    rows = [
        row
        for row in model.objects.all()
        if row.code.upper() == code
        or (words and all(word in folded_names(row.name, row.label) for word in words))
    ]
    return sorted(rows, key=key)[:SEARCH_LIMIT] if key else rows[:SEARCH_LIMIT]


def search_archive(query):
    """What the search page lists for `query`, grouped by kind, each at most SEARCH_LIMIT."""
    found = {
        "athletes": list(Athlete.objects.search(query).select_related("country")[:SEARCH_LIMIT]),
        "competitions": list(competitions_matching(query)[:SEARCH_LIMIT]),
        "disciplines": named_matching(Discipline, query),
        # In the reader's language's order, as on the nations' page.
        "countries": named_matching(Country, query, key=lambda country: fold(country.label)),
    }
    found["suggestion"] = None if found["athletes"] else suggestion(query)
    return found


def suggestion(query):
    """
    The query with each word that matches no athlete's word replaced by the closest one
    that does (among those sharing its first two letters), or None when nothing is near.
    """
    words = typed_words(query)[:MAX_QUERY_WORDS]
    typed = [word for word in words if len(word) >= 3]
    if not typed:
        return None
    condition = Q()
    for word in typed:
        condition |= starting_with(word[:2])
    candidates = list(
        SearchWord.objects.filter(condition)
        .order_by("word")
        .values_list("word", flat=True)
        .distinct()[:SUGGESTION_CANDIDATES]
    )
    known = set(candidates)
    corrected = []
    for word in words:
        if word in known or any(candidate.startswith(word) for candidate in candidates):
            corrected.append(word)
            continue
        best = process.extractOne(
            word,
            [c for c in candidates if c[:2] == word[:2]],
            scorer=fuzz.ratio,
            score_cutoff=SUGGESTION_SCORE,
        )
        if best is None:
            return None
        corrected.append(best[0])
    text = " ".join(corrected)
    return text if corrected != words else None
