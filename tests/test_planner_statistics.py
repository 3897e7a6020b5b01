"""A bulk write analyses what it filled, by autovacuum's rule (50 rows and a tenth of the table),
at once: pages are never planned for the table as it was before the load."""

import pytest

from insightboard.planner_statistics import bulk_write_analyse
from stories.models import Reaction, Tag
from tests.planner_statistics import analysed_tables

pytestmark = pytest.mark.django_db


def tags(count: int, start: int = 0) -> int:
    return len(Tag.objects.bulk_create(Tag(name=f"tag-{n}") for n in range(start, start + count)))


def test_it_analyses_a_table_once_a_write_fills_it_with_50_rows():
    with analysed_tables(Tag) as analysed:
        assert bulk_write_analyse({Tag: tags(50)}) == ["stories_tag"]
    assert "stories_tag" in analysed


def test_it_leaves_a_small_write_to_autovacuum_without_a_query(django_assert_num_queries):
    with analysed_tables(Tag) as analysed:
        written = tags(49)
        with django_assert_num_queries(0):
            assert bulk_write_analyse({Tag: written, Reaction: 0}) == []
    assert "stories_tag" not in analysed


def test_it_weighs_a_write_against_what_the_table_held_when_last_analysed():
    with analysed_tables(Tag):
        bulk_write_analyse({Tag: tags(1000)})
    # 50 rows and a tenth of 1,000: 149 more rows are not enough, 150 are.
    with analysed_tables() as analysed:
        assert bulk_write_analyse({Tag: tags(149, start=1000)}) == []
    assert "stories_tag" not in analysed
    with analysed_tables() as analysed:
        assert bulk_write_analyse({Tag: tags(150, start=2000)}) == ["stories_tag"]
    assert "stories_tag" in analysed
