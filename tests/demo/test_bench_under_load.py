"""The bench under load reads wrk's report: rate, p50, p99 and requests given up on."""

import math

import pytest
from django.core.management.base import CommandError

from insightboard.demo.bench_under_load import wrk_figures

REPORT = """Running 5s test @ http://127.0.0.1:8901/stories/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.52ms    6.10ms  88.12ms   80.12%
    Req/Sec    93.40     12.11   121.00     70.00%
  Latency Distribution
     50%   20.10ms
     75%   23.90ms
     90%   28.40ms
     99%   61.30ms
  934 requests in 5.01s, 40.12MB read
Requests/sec:    186.43
Transfer/sec:      8.01MB
"""


def test_it_reads_the_rate_and_the_percentiles():
    assert wrk_figures(REPORT) == (186.43, 20.10, 61.30, 0)


def test_it_converts_microseconds_and_seconds_to_milliseconds():
    report = REPORT.replace("20.10ms", "850.00us").replace("61.30ms", "1.20s")
    assert wrk_figures(report) == (186.43, 0.85, 1200.0, 0)


def test_it_counts_requests_that_timed_out_and_shows_no_percentile_without_answers():
    report = (
        "  Latency Distribution\n"
        "  0 requests in 5.00s, 0.00B read\n"
        "  Socket errors: connect 0, read 0, write 0, timeout 4\n"
        "Requests/sec:      0.00\n"
    )
    rate, p50, p99, timed_out = wrk_figures(report)
    assert (rate, timed_out) == (0.0, 4)
    assert math.isnan(p50)
    assert math.isnan(p99)


def test_it_refuses_figures_that_include_error_answers():
    with pytest.raises(CommandError, match="errors"):
        wrk_figures(REPORT + "  Non-2xx or 3xx responses: 12\n")
