"""The figures every bench reports the same way under ``measurements`` in its ``--json`` output.

One entry per endpoint or operation measured::

    "measurements": {
        "queue page": {
            "unit": "request",          # what p50_ms, p95_ms and statements are per
            "count": 50,                # how many of them were timed
            "p50_ms": 41.2, "p95_ms": 48.9, "max_ms": 52.0,   # wall-clock time
            "cpu_ms_per_request": 30.1, # this process's CPU time (time.process_time)
            "statements": 9,            # SQL statements per unit (the median; statements_mean too)
            ...                         # the bench's own figures
        }
    }

The CPU figure is named for what it is divided by: ``cpu_ms_per_request`` (queue pages),
``cpu_ms_per_item`` (sweep), ``cpu_ms_per_message`` (mail intake), ``cpu_ms_per_row`` (import).
It is this process's CPU time, the Python part, hardly affected by other load on the machine
(unlike wall-clock time); the database server's share is not in it on PostgreSQL.
"""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, interpolated between the nearest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measurement(
    times_ms: list[float], *, unit: str, cpu_ms: float, cpu_per: str, cpu_count: int, statements: list[int], **extra
) -> dict:
    """The summary of ``times_ms`` (one per ``unit``), ``cpu_ms`` of CPU time in all divided over
    ``cpu_count`` ``cpu_per`` (requests, items, messages, rows), and the SQL ``statements`` per unit."""
    return {
        "unit": unit,
        "count": len(times_ms),
        "p50_ms": round(statistics.median(times_ms), 3),
        "p95_ms": round(percentile(times_ms, 0.95), 3),
        "max_ms": round(max(times_ms), 3),
        f"cpu_ms_per_{cpu_per}": round(cpu_ms / max(cpu_count, 1), 4),
        "statements": statistics.median_low(statements),
        "statements_mean": round(statistics.fmean(statements), 2),
        **extra,
    }
