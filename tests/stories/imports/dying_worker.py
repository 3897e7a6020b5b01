"""A worker process for tests/stories/imports/test_background.py: it runs an import and, in the
middle of the chunk it is told to die in (that chunk's stories inserted, not committed), says so
on stdout and waits on stdin for ever, so that the test can kill it there with SIGKILL.

    python -m tests.stories.imports.dying_worker IMPORT_ID CHUNK ROWS_A_CHUNK
"""

import os
import sys

import django


def main() -> None:
    import_id, dying_chunk, rows_a_chunk = (int(argument) for argument in sys.argv[1:4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insightboard.settings")
    django.setup()

    from stories.imports import batches, runs

    batches.BATCH_SIZE = rows_a_chunk
    create = runs.stories_create
    chunks = 0

    def create_then_die(person, rows):  # type: ignore[no-untyped-def]
        nonlocal chunks
        written = create(person, rows)
        chunks += 1
        if chunks == dying_chunk:
            print(f"chunk {chunks} inserted", flush=True)
            sys.stdin.readline()  # the test kills the process while it waits here
        return written

    runs.stories_create = create_then_die
    runs.story_import_run(story_import_id=import_id)
    print("finished", flush=True)


if __name__ == "__main__":
    main()
