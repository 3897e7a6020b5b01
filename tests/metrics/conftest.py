from collections.abc import Iterator

import pytest
import time_machine

from tests.metrics.factories import NOW


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield
