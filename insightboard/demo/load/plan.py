"""What the run hands the load generator: who signs in, what they filter and search for, and
where to write what they saw. A JSON file named by an environment variable, since locust loads
the locustfile itself."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

PLAN_VARIABLE = "INSIGHTBOARD_LOAD_PLAN"
ATTEMPTS_FILE = "insights.jsonl"
REQUESTS_FILE = "requests.jsonl"


@dataclass(frozen=True)
class Plan:
    run: str
    password: str
    # Sign-in emails: everyone browses and logs; hosts also set up meetings and keep openers.
    staff: list[str]
    hosts: list[str]
    tags: list[str]
    words: list[str]
    # Where the staff write their insights' outcomes and every request's timing.
    out: str

    @property
    def attempts_path(self) -> Path:
        return Path(self.out) / ATTEMPTS_FILE

    @property
    def requests_path(self) -> Path:
        return Path(self.out) / REQUESTS_FILE


def plan_write(path: Path, plan: Plan) -> None:
    path.write_text(json.dumps(asdict(plan), indent=2))


def plan_read(path: Path) -> Plan:
    return Plan(**json.loads(path.read_text()))
