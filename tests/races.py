"""Work released in threads at the same moment, as two workers or two hosts pressing at once."""

import threading
import time
from collections.abc import Callable

from django.db import connections

# Ample for a slow shared machine: a race that deadlocks fails here instead of hanging the run.
RACE_SECONDS = 30.0


def at_once[T](*work: Callable[[], T], timeout: float = RACE_SECONDS) -> list[T | Exception]:
    """What each piece of work returned or raised, in order, each run in a thread of its own with
    its own database connection; fails unless every thread finished within the timeout."""
    start = threading.Barrier(len(work), timeout=timeout)
    outcomes: list[T | Exception] = [TimeoutError("did not finish")] * len(work)

    def run(index: int, job: Callable[[], T]) -> None:
        try:
            start.wait()
            outcomes[index] = job()
        except Exception as error:  # the outcome the test asserts on
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, job), daemon=True)
        for index, job in enumerate(work)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    unfinished = [thread.name for thread in threads if thread.is_alive()]
    assert unfinished == [], f"still running after {timeout:.0f} s: {unfinished}"
    return outcomes
