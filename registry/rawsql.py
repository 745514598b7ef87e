"""Reading values from hand-written SQL as the ORM would give them.

A few hot paths (the token lookup, the validation claim, the status checks of consent artefacts
and data-use agreements with their token, the anonymous dataset detail) are written as SQL
because compiling the ORM query cost more than running it. Their raw values still need
the backend's converters: SQLite returns JSON as text and datetimes as strings. The converters
are looked up once per model field and database vendor (they depend on nothing else), so the
hot paths pay only for the conversions themselves.
"""

from functools import lru_cache

from django.db import connection


def _identity(value):
    return value


@lru_cache(maxsize=512)
def _loader(model, name: str, vendor: str):
    column = model._meta.get_field(name).get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    if not converters:
        return _identity

    def load(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return load


def column_loader(model, name: str):
    """A function turning a raw value of `model.name` into its Python value."""
    return _loader(model, name, connection.vendor)


@lru_cache(maxsize=64)
def _row_loader(model, vendor: str):
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    loaders = [_loader(model, f.name, vendor) for f in fields]
    return attnames, loaders


def model_from_row(model, values, *, using: str | None = None):
    """An instance of `model` from raw values of its concrete fields, in their order, read from
    the database `using` (the default one unless said)."""
    attnames, loaders = _row_loader(model, connection.vendor)
    return model.from_db(
        using or connection.alias,
        attnames,
        [load(v) for load, v in zip(loaders, values, strict=True)],
    )


def rows_update(objs, fields) -> None:
    """Write `fields` of many instances of one model in one UPDATE, each row its own values
    (what `save(update_fields=fields)` on each would write, without a statement a row). Row
    triggers fire as for single updates; statement triggers once.

    `UPDATE … FROM` a `VALUES` list: PostgreSQL, and SQLite ≥ 3.33. On PostgreSQL each value
    is cast to its column's type (client-side binding sends literals). Only placeholders,
    quoted column names and column types are interpolated.
    """
    objs = list(objs)
    if not objs:
        return
    meta = type(objs[0])._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        row = ", ".join(f"%s::{column.db_type(connection)}" for column in columns)
    else:
        row = ", ".join("%s" for _ in columns)
    names = ", ".join(f"c{n}" for n in range(len(columns)))
    table = quote(meta.db_table)
    sets = ", ".join(f"{quote(column.column)} = v.c{n}" for n, column in enumerate(columns) if n)
    sql = (
        f"WITH v ({names}) AS (VALUES {', '.join(f'({row})' for _ in objs)}) "  # noqa: S608
        f"UPDATE {table} SET {sets} FROM v WHERE {table}.{quote(meta.pk.column)} = v.c0"
    )
    params = [
        column.get_db_prep_save(getattr(obj, column.attname), connection)
        for obj in objs
        for column in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
