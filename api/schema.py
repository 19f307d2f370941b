"""
The OpenAPI description of query parameters read from the same forms that validate them, so
that the schema cannot drift from what a view accepts.
"""

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .pagination import PageNumbers


def _type_of(field):
    if isinstance(field, forms.IntegerField):
        return OpenApiTypes.INT
    return OpenApiTypes.STR


def form_parameters(form_class):
    """A query parameter for each field of `form_class`, with its choices where it has some."""
    parameters = []
    for name, field in form_class.base_fields.items():
        choices = None
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = [str(value) for value, _label in field.choices if value != ""]
        many = isinstance(field, forms.MultipleChoiceField)
        parameters.append(
            OpenApiParameter(
                name,
                {"type": "array", "items": {"type": "string", "enum": choices}}
                if many
                else _type_of(field),
                OpenApiParameter.QUERY,
                description=field.label or "",
                enum=None if many else choices,
                explode=True if many else None,
            )
        )
    return parameters


def filter_parameters(filterset_class):
    """The query parameters of a FilterSet, and of any fields of its form beside its filters."""
    return form_parameters(filterset_class().form.__class__)


PAGE_PARAMETER = OpenApiParameter(
    PageNumbers.page_query_param,
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    description=PageNumbers.page_query_description,
)

PAGE_PARAMETERS = [
    PAGE_PARAMETER,
    OpenApiParameter(
        PageNumbers.page_size_query_param,
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description=PageNumbers.page_size_query_description,
    ),
]
