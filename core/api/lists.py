"""The APIs' lists: one page of a query as its output serializer renders it, and the `status`
filter every list of things with a lifecycle takes."""

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response


def paged(view, queryset, output, **kwargs) -> Response:
    """One page of `queryset` (the view's pagination), each item as `output` renders it."""
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(output(page, many=True, **kwargs).data)


def status_filter(request, choices, *, param: str = "status") -> str | None:
    """The value of the `param` query parameter, one of `choices`, or None when not given; a 400
    naming the parameter for any other value."""
    value = request.query_params.get(param)
    if value and value not in choices:
        raise ValidationError({param: [f"Unknown {param}; use one of {', '.join(choices)}."]})
    return value or None
