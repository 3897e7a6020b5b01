"""The delivery ledger is written in bulk, a row per recipient: making it analyses the table, so
the senders' claims and the progress counts are planned for its real size."""

import pytest

from insightboard.digest.models import Delivery, DistributionAddress
from insightboard.digest.services import deliveries_create
from insightboard.planner_statistics import ANALYSE_AFTER_ROWS
from tests.digest.smtp_server import compiled_digest
from tests.planner_statistics import analysed_tables

pytestmark = pytest.mark.django_db


def test_it_analyses_the_ledger_it_wrote_for_a_company_sized_list():
    digest = compiled_digest(readers_count=1)
    DistributionAddress.objects.bulk_create(
        DistributionAddress(address=f"list-{number}@example.com")
        for number in range(ANALYSE_AFTER_ROWS)
    )

    with analysed_tables(Delivery) as analysed:
        assert deliveries_create(digest=digest) == ANALYSE_AFTER_ROWS + 1

    assert Delivery._meta.db_table in analysed


def test_it_leaves_a_small_ledger_to_autovacuum():
    digest = compiled_digest(readers_count=3)

    with analysed_tables(Delivery) as analysed:
        assert deliveries_create(digest=digest) == 3

    assert Delivery._meta.db_table not in analysed
