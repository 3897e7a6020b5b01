"""Planner statistics after a bulk write: ANALYZE the tables it filled, at once.

The database plans a query from statistics about each table. PostgreSQL's autovacuum refreshes
them a minute or so after a table has changed by 50 rows and a tenth of its size; until then a
table filled in bulk is planned as if it were still small (the story list took 950 ms after a
200,000-story seed, planned for two rows), and where autovacuum is off, forever. So every write of
many rows at once (the demo seed, an import, a merge, a digest's deliveries) calls
`bulk_write_analyse` when it is done, with the rules autovacuum would use, applied at once.
SQLite keeps statistics too (`sqlite_stat1`), written by the same statement.
"""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Model

# Autovacuum's defaults (autovacuum_analyze_threshold and autovacuum_analyze_scale_factor): a
# table is analysed once this many rows, and this share of what it held, have changed.
ANALYSE_AFTER_ROWS = 50
ANALYSE_AFTER_SHARE = 0.1


def planner_row_counts(tables: list[str]) -> dict[str, float]:
    """How many rows the planner believes each table holds (0 for a table never analysed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # reltuples is -1 for a table never analysed or vacuumed.
            cursor.execute(
                "SELECT relname, greatest(reltuples, 0) FROM pg_class "
                "WHERE relkind = 'r' AND relname = ANY(%s) AND pg_table_is_visible(oid)",
                [tables],
            )
            return {name: float(rows) for name, rows in cursor.fetchall()}
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
            )
            if cursor.fetchone() is None:
                return {}
            marks = ", ".join("%s" for _ in tables)
            # Each row's stat starts with the table's row count, as the last ANALYZE saw it.
            cursor.execute(
                f"SELECT tbl, stat FROM sqlite_stat1 WHERE tbl IN ({marks})",  # noqa: S608
                tables,
            )
            return {name: float(stat.split()[0]) for name, stat in cursor.fetchall()}
    return {}


def needs_analyse(written: int, planner_rows: float) -> bool:
    return written >= ANALYSE_AFTER_ROWS + ANALYSE_AFTER_SHARE * planner_rows


def bulk_write_analyse(written: Mapping[type[Model], int]) -> list[str]:
    """ANALYZE the table of each model that this write added (or changed) enough rows in for
    autovacuum to analyse it, rather than wait for autovacuum; returns the tables analysed.

    `written` maps each model to how many of its rows the write added, changed or deleted. A
    write of fewer than ANALYSE_AFTER_ROWS rows everywhere costs no query at all. Call it after
    the write's transaction has committed where there is one: ANALYZE then sees what others see.
    """
    tables = {
        model._meta.db_table: rows
        for model, rows in written.items()
        if rows >= ANALYSE_AFTER_ROWS and connection.vendor in ("postgresql", "sqlite")
    }
    if not tables:
        return []
    believed = planner_row_counts(sorted(tables))
    analysed = [
        table for table, rows in tables.items() if needs_analyse(rows, believed.get(table, 0.0))
    ]
    with connection.cursor() as cursor:
        for table in analysed:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return analysed
