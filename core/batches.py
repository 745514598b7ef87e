"""Reading a large query in bounded batches without a server-side cursor.

`.iterator()` streams through a server-side cursor on PostgreSQL, which a pooler in
transaction mode cannot keep across statements: with DATABASE_POOLER=pgbouncer Django reads
the whole result instead (DISABLE_SERVER_SIDE_CURSORS), and a 100,000-record harvest or a
1,000,000-dataset data.json would sit in memory at once. in_batches() reads by keyset
instead (`WHERE (key) > (last) ORDER BY key LIMIT n`): each batch a short statement of its
own, memory bounded by one batch, the same with or without a pooler.
"""

from collections.abc import Iterator, Sequence

from django.db.models import Q, QuerySet


def _after(order: Sequence[str], last: Sequence) -> Q:
    """Rows after `last` in `order` (each field ascending, or descending with a leading -)."""
    condition = Q()
    for index, field in enumerate(order):
        name = field.lstrip("-")
        beyond = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": last[index]})
        equal = Q(**{f.lstrip("-"): last[i] for i, f in enumerate(order[:index])})
        condition |= equal & beyond
    return condition


def in_batches(queryset: QuerySet, *, order: Sequence[str] = ("pk",), size: int = 1000) -> Iterator:
    """Model instances of `queryset` in `order` (which must end in a unique field, such as pk),
    read `size` at a time."""
    ordered = queryset.order_by(*order)
    names = [field.lstrip("-") for field in order]
    last = None
    while True:
        page = ordered if last is None else ordered.filter(_after(order, last))
        rows = list(page[:size])
        yield from rows
        if len(rows) < size:
            return
        last = [getattr(rows[-1], name) for name in names]
