"""Page-number pagination with a bounded page size, as the site's lists have."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

# The pages' own list lengths are 50 (directories) and 100 (all-time lists).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def positive_whole_number(text):
    """`text` as a whole number from 1, else None (a junk or negative value)."""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number >= 1 else None


class PageNumbers(PageNumberPagination):
    """
    `?page=2&page_size=100`. A page number that is not a whole number from 1 (or `last`) is
    a client's mistake, answered 400; one past the last page is 404. A page size that is not
    a whole number from 1 is 400, and one over MAX_PAGE_SIZE gives MAX_PAGE_SIZE rows.
    """

    page_size = PAGE_SIZE
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
        text = request.query_params.get(self.page_query_param) or "1"
        if text in self.last_page_strings:
            return paginator.num_pages
        number = positive_whole_number(text)
        if number is None:
            raise ValidationError(
                {self.page_query_param: [_("Enter a whole number from 1, or “last”.")]}
            )
        return number
