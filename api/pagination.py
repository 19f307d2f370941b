"""Page-number pagination with a bounded page size, as the site's lists have."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from results.pagination import TableCountPaginator

# The pages' own list lengths are 50 (directories) and 100 (all-time lists).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def positive_whole_number(text):
    """`text` as a whole number from 1, else None (a junk or negative value)."""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number >= 1 else None


PAGE_QUERY_PARAM = "page"
LAST_PAGE_STRINGS = ("last",)


def requested_page(request, last_page):
    """
    The page number that `?page=` asks for (1 when it is absent): a whole number from 1, or
    "last", whose number `last_page()` gives. Anything else is the client's mistake, a 400.
    """
    text = request.query_params.get(PAGE_QUERY_PARAM) or "1"
    if text in LAST_PAGE_STRINGS:
        return last_page()
    number = positive_whole_number(text)
    if number is None:
        raise ValidationError({PAGE_QUERY_PARAM: [_("Enter a whole number from 1, or “last”.")]})
    return number


def page_link(request, page, number):
    """The address of page `number` beside `page` (a Django `Page`), or None past either end."""
    if not 1 <= number <= page.paginator.num_pages:
        return None
    url = request.build_absolute_uri()
    if number == 1:
        return remove_query_param(url, PAGE_QUERY_PARAM)
    return replace_query_param(url, PAGE_QUERY_PARAM, number)


class PageNumbers(PageNumberPagination):
    """
    `?page=2&page_size=100`. A page number that is not a whole number from 1 (or `last`) is
    a client's mistake, answered 400; one past the last page is 404. A page size that is not
    a whole number from 1 is 400, and one over MAX_PAGE_SIZE gives MAX_PAGE_SIZE rows.
    """

    django_paginator_class = TableCountPaginator
    page_size = PAGE_SIZE
    page_query_param = PAGE_QUERY_PARAM
    last_page_strings = LAST_PAGE_STRINGS
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = _("A page number from 1 (or “last”).")
    page_size_query_description = format_lazy(
        _("Rows per page, at most {size}."), size=MAX_PAGE_SIZE
    )

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param)
        if text is None or text == "":
            return self.page_size
        size = positive_whole_number(text)
        if size is None:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number from 1.")]})
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        return requested_page(request, lambda: paginator.num_pages)
