"""The page of a list that a reader's `?page=` asks for, read the same on every screen."""


def page_asked(text):
    """
    The page number a visitor's `?page=` asks for: a number from 1; junk, zero or a negative
    number give the first (where Django's `get_page` gives the last for the two).
    """
    try:
        return max(int(text), 1)
    except (TypeError, ValueError):
        return 1
