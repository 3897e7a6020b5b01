"""Every request the simulated staff made (one JSON line each), and the per-endpoint table:
requests, requests per second, p50/p95/p99 and failures, with exact percentiles (nearest rank)
rather than locust's rounded ones."""

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

ALL = "All requests"
SIGNED_IN = "All requests once everyone had signed in"
SIGN_IN = "POST /accounts/login/"


@dataclass(frozen=True)
class Request:
    # Method and path with ids left out ("POST /stories/<id>/hear-too/").
    endpoint: str
    started: float
    ms: float
    # 0: no answer (refused, timed out).
    status: int
    failed: bool


@dataclass(frozen=True)
class EndpointFigures:
    endpoint: str
    count: int
    per_second: float
    p50: float
    p95: float
    p99: float
    failures: int
    server_errors: int


def request_write(out: TextIO, request: Request) -> None:
    out.write(json.dumps(asdict(request)) + "\n")


def requests_read(path: Path) -> list[Request]:
    if not path.exists():
        return []
    return [Request(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest rank: the smallest time that `fraction` of the requests did not exceed."""
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def span_seconds(requests: Iterable[Request]) -> float:
    """From the first request sent to the last answer received."""
    requests = list(requests)
    if not requests:
        return 0.0
    first = min(request.started for request in requests)
    last = max(request.started + request.ms / 1000 for request in requests)
    return max(last - first, 0.001)


def figures_for(endpoint: str, requests: list[Request], seconds: float) -> EndpointFigures:
    ordered = sorted(request.ms for request in requests)
    return EndpointFigures(
        endpoint=endpoint,
        count=len(requests),
        per_second=len(requests) / seconds,
        p50=percentile(ordered, 0.50),
        p95=percentile(ordered, 0.95),
        p99=percentile(ordered, 0.99),
        failures=sum(request.failed for request in requests),
        server_errors=sum(request.status >= 500 for request in requests),
    )


def endpoint_figures(requests: list[Request]) -> list[EndpointFigures]:
    """One row per endpoint, by name, then all requests together (over the same span), then
    those sent after the last sign-in was answered: a sign-in hashes the password on purpose
    slowly, so everyone arriving at once holds the workers for a while."""
    if not requests:
        return []
    seconds = span_seconds(requests)
    by_endpoint: defaultdict[str, list[Request]] = defaultdict(list)
    for request in requests:
        by_endpoint[request.endpoint].append(request)
    rows = [figures_for(name, by_endpoint[name], seconds) for name in sorted(by_endpoint)]
    rows.append(figures_for(ALL, requests, seconds))
    if sign_ins := by_endpoint.get(SIGN_IN):
        signed_in = max(request.started + request.ms / 1000 for request in sign_ins)
        if later := [request for request in requests if request.started >= signed_in]:
            rows.append(figures_for(SIGNED_IN, later, span_seconds(later)))
    return rows


def figures_table(rows: list[EndpointFigures]) -> list[str]:
    lines = [
        "| Endpoint | Requests | Req/s | p50 ms | p95 ms | p99 ms | Failures | 5xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = f"**{row.endpoint}**" if row.endpoint in (ALL, SIGNED_IN) else f"`{row.endpoint}`"
        lines.append(
            f"| {name} | {row.count:,} | {row.per_second:.1f} | {row.p50:.0f} | {row.p95:.0f} "
            f"| {row.p99:.0f} | {row.failures} | {row.server_errors} |"
        )
    return lines
