"""A PostgreSQL cluster of the test's own, in a temporary folder on a free port, that a test may
stop and start as it likes: the machine's own PostgreSQL (which others use) is never touched.

PostgreSQL refuses to run as root, and CI runs as root: then its programs run as the `postgres`
account, in a folder that account owns. Run as anyone else, they run as that person.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

# The newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<version>/bin).
INSTALLED = sorted(
    Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3])
)
DATABASE = "insightboard"
# Long enough for a start or stop on a busy shared machine.
PG_CTL_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_postgres() -> list[str]:
    """The prefix that runs a PostgreSQL program as an account PostgreSQL agrees to run as."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgresql.log"
        self.port = free_port()
        self.bin = INSTALLED[-1].parent

    def run(self, program: str, *args: str) -> None:
        command = [*as_postgres(), str(self.bin / program), *args]
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, fixed arguments
            command, capture_output=True, text=True, timeout=PG_CTL_SECONDS, check=False
        )
        assert result.returncode == 0, f"{program} failed: {result.stdout}{result.stderr}"

    def create(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        # No fsync: the data is thrown away; a unix socket in our own folder, not /run's.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: connections are cut and transactions rolled back, as a restart does."""
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=DATABASE, autocommit=True
        )


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A running cluster with an empty `insightboard` database, removed afterwards."""
    assert INSTALLED, (
        "No PostgreSQL under /usr/lib/postgresql (Debian: apt-get install postgresql)."
    )
    folder = Path(tempfile.mkdtemp(prefix="insightboard-faults-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder)
    try:
        cluster.create()
        cluster.start()
        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
