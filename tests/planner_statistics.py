"""What ANALYZE did, as the database itself records it: PostgreSQL counts each table's analyses
(pg_stat_user_tables.analyze_count); SQLite keeps the statistics in sqlite_stat1."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model


def tables_of(*models: type[Model]) -> list[str]:
    return [model._meta.db_table for model in models]


def planner_knows(*models: type[Model]) -> None:
    """Start from statistics of the tables as this test's transaction sees them (SQLite: none):
    another test may have left larger ones, and the rule compares a write with them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables_of(*models):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                for table in tables_of(*models):
                    cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])


def analyse_marks() -> dict[str, str]:
    """Per table, something that changes whenever it is analysed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics are read once per transaction unless the snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT relname, analyze_count FROM pg_stat_user_tables")
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return {}
            cursor.execute(
                "SELECT tbl, group_concat(coalesce(idx, '') || ' ' || stat) FROM sqlite_stat1 "
                "GROUP BY tbl"
            )
        return {table: str(mark) for table, mark in cursor.fetchall()}


@contextmanager
def analysed_tables(*models: type[Model]) -> Iterator[set[str]]:
    """The tables analysed inside the block; the statistics of `models` are made current first."""
    planner_knows(*models)
    before = analyse_marks()
    analysed: set[str] = set()
    yield analysed
    after = analyse_marks()
    analysed.update(table for table, mark in after.items() if before.get(table) != mark)
