"""
The rules across one event's result list, written once for every way results come in.

A single result's own rules (a mark that reads for the discipline, a DNF without place or
mark, a result before birth or after retirement, the athlete's sex against the event's) are
in `Result.clean()`. What no single row can see is here: the admin's results table, the
pasted sheet, `loaddata` and `check_archive` all hand an event's results to
`result_list_problems()` and report what it finds in their own words for where ("row 3",
a fixture object's natural key, an admin link).
"""

from django.utils.translation import gettext as _

from .models import Result


def result_list_problems(rows, discipline):
    """
    `rows` is [(label, result)] for one event's results, saved or not; returns
    [(label, field, message)] for each rule they break:

    * an athlete entered twice;
    * two finishers sharing a place with different marks (a tie shares its mark: two
      winners with different marks are a typo);
    * a better place with a worse mark than a later place (equal marks may differ in place:
      a photo finish, or a countback in the jumps).
    """
    problems = []
    athletes = {}
    for label, result in rows:
        athlete = _athlete_key(result)
        if athlete is None:
            continue
        if athlete in athletes:
            message = _("%(athlete)s is already entered in %(other)s.") % {
                "athlete": result.athlete,
                "other": athletes[athlete],
            }
            problems.append((label, "athlete", message))
        else:
            athletes[athlete] = label

    placed = sorted(
        (
            (result.place, index, label, result)
            for index, (label, result) in enumerate(rows)
            if result.status == Result.Status.FINISHED and result.place is not None
        ),
        key=lambda row: row[:2],
    )
    for (place, _i, other_label, other), (next_place, _j, label, result) in zip(
        placed, placed[1:], strict=False
    ):
        if place == next_place and result.mark != other.mark:
            message = _(
                "Place %(place)s is also given to %(other)s with a different mark: only equal "
                "marks can share a place."
            ) % {"place": place, "other": other_label}
            problems.append((label, "place", message))

    # Each mark is compared with the worst mark placed ahead of it.
    worst_ahead = None
    for place, _i, label, result in (row for row in placed if row[3].mark is not None):
        if worst_ahead is not None:
            earlier_place, earlier_label, earlier = worst_ahead
            if earlier_place < place and discipline.beats(result.mark, earlier.mark):
                message = _(
                    "Place %(place)s has %(mark)s, better than %(earlier_mark)s for place "
                    "%(earlier_place)s (%(other)s): places must follow the marks."
                ) % {
                    "place": place,
                    "mark": discipline.format_mark(result.mark, hand_timed=result.hand_timed),
                    "earlier_mark": discipline.format_mark(
                        earlier.mark, hand_timed=earlier.hand_timed
                    ),
                    "earlier_place": earlier_place,
                    "other": earlier_label,
                }
                problems.append((label, "mark", message))
        if worst_ahead is None or discipline.beats(worst_ahead[2].mark, result.mark):
            worst_ahead = (place, label, result)
    return problems


def saved_row_problem(label, field_name, message):
    """A problem `result_list_problems` found on a result already saved, named by `label`."""
    return _("%(athlete)s (already saved), %(field)s: %(message)s") % {
        "athlete": label,
        "field": Result._meta.get_field(field_name).verbose_name,
        "message": message,
    }


def problems_with_saved(event, result, label):
    """
    What `result` (new or changed, named by `label`) breaks in `event`'s list with the
    results already saved: the problems the list has with it and had not without it, each
    as (field, message) on `result`'s own field, or (None, a message naming the saved
    result it concerns). A problem the saved list had already is not laid at its door.
    """
    saved = list(event.results.exclude(pk=result.pk).select_related("athlete"))
    rows = [(other.athlete.name, other) for other in saved]
    before = set(result_list_problems(rows, event.discipline))
    found = []
    for problem in result_list_problems([*rows, (label, result)], event.discipline):
        if problem in before:
            continue
        row, field_name, message = problem
        if row == label:
            found.append((field_name, message))
        else:
            found.append((None, saved_row_problem(row, field_name, message)))
    return found


def _athlete_key(result):
    """The athlete's primary key, or the unsaved athlete itself (a new athlete of a paste)."""
    if result.athlete_id is not None:
        return result.athlete_id
    athlete = result._state.fields_cache.get("athlete")
    return id(athlete) if athlete is not None else None
