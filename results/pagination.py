"""Paginators that know a list's length without counting its rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .models import RowCount


class TableCountPaginator(Paginator):
    """
    A paginator whose count of a whole counted table (the unfiltered athlete directory) is
    read from `RowCount`, the same single query as a COUNT but not growing with the table;
    any other list is counted as Django counts it.
    """

    @cached_property
    def count(self):
        known = RowCount.objects.of(self.object_list)
        return super().count if known is None else known


class CountedPaginator(Paginator):
    """A paginator given its count, read with the page's rows: it runs no COUNT query."""

    def __init__(self, count, per_page):
        super().__init__((), per_page)
        self._count = count

    @cached_property
    def count(self):
        return self._count
