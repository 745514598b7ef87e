"""Reading values from hand-written SQL as the ORM would give them.

A few hot paths (the token lookup, the validation claim, the consent status check) are written
as SQL because compiling the ORM query cost more than running it. Their raw values still need
the backend's converters: SQLite returns JSON as text and datetimes as strings.
"""

from django.db import connection


def column_loader(model, name: str):
    """A function turning a raw value of `model.name` into its Python value."""
    column = model._meta.get_field(name).get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def load(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return load
