"""Rows written in bulk by the database itself: one ``INSERT … SELECT`` per call.

For fan-outs (a notice per user of ten thousand organisations, a recipient row
per organisation) building a model instance per row costs far more than the
database needs; :func:`insert_select` writes one row per key a query selects,
with the same constant values in the other columns, without loading anything.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models, router
from django.db.models import F


def insert_select(
    model: type[models.Model],
    *,
    key: str,
    source: models.QuerySet[Any],
    values: dict[str, Any],
) -> int:
    """Insert one ``model`` row per distinct primary key of ``source`` and return how many.

    ``key`` is the field of ``model`` (a foreign key) that takes each selected key;
    ``values`` maps the other field names to one value each (prepared as the ORM
    would). Fields left out take their model default (a constant ``default=``) or
    NULL; one with neither (or a callable default) raises ``ValueError``. No
    signals are sent and ``save`` is not called.
    """
    alias = router.db_for_write(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    unknown = {key, *values} - {f.name for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no field {sorted(unknown)}")
    fields = [f for f in meta.concrete_fields if f.name == key]
    params: list[Any] = []
    selected = [f"source.{quote('source_key')}"]
    for field in meta.concrete_fields:
        if field.primary_key or field.name == key:
            continue
        if field.name in values:
            value = values[field.name]
        elif field.has_default() and not callable(field.default):
            value = field.default
        elif field.null:
            value = None
        else:
            raise ValueError(f"{meta.label}.{field.name} needs a value")
        if isinstance(value, models.Model):
            value = value.pk
        fields.append(field)
        params.append(field.get_db_prep_save(value, connection))
        placeholder = "%s"
        if connection.vendor == "postgresql":  # parameters of a SELECT list carry no type
            placeholder = f"CAST(%s AS {field.cast_db_type(connection)})"
        selected.append(placeholder)
    inner, inner_params = (
        source.order_by().values(source_key=F("pk")).distinct().query.sql_with_params()
    )
    columns = ", ".join(quote(str(f.column)) for f in fields)
    # Names quoted by the backend, values passed as parameters.
    table = quote(meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)} FROM ({inner}) source"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        return int(max(cursor.rowcount, 0))
