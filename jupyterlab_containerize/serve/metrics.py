"""Prometheus text exposition, by hand: the image's venv has no prometheus_client."""

from __future__ import annotations

import bisect
from collections import Counter

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
PREFIX = "containerize_serve"


class Metrics:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()  # by status code
        self.errors: Counter[str] = Counter()  # by error kind
        self.bucket_counts = [0] * len(BUCKETS)
        self.latency_sum = 0.0
        self.latency_count = 0

    def observe(self, status: int, seconds: float, error_kind: str = "") -> None:
        self.requests[str(status)] += 1
        if error_kind:
            self.errors[error_kind] += 1
        position = bisect.bisect_left(BUCKETS, seconds)
        if position < len(BUCKETS):
            self.bucket_counts[position] += 1
        self.latency_sum += seconds
        self.latency_count += 1

    def render(self, pool_counts: dict[str, int], waiting: int, restarts: int) -> str:
        lines: list[str] = []
        _family(lines, "requests_total", "counter", "POST /run requests by HTTP status.")
        lines += [f'{PREFIX}_requests_total{{code="{c}"}} {n}' for c, n in sorted(self.requests.items())]
        _family(lines, "errors_total", "counter", "Failed POST /run requests by kind.")
        lines += [f'{PREFIX}_errors_total{{kind="{k}"}} {n}' for k, n in sorted(self.errors.items())]
        _family(lines, "request_duration_seconds", "histogram", "POST /run latency.")
        cumulative = 0
        for bound, count in zip(BUCKETS, self.bucket_counts):
            cumulative += count
            lines.append(f'{PREFIX}_request_duration_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines.append(f'{PREFIX}_request_duration_seconds_bucket{{le="+Inf"}} {self.latency_count}')
        lines.append(f"{PREFIX}_request_duration_seconds_sum {self.latency_sum:.6f}")
        lines.append(f"{PREFIX}_request_duration_seconds_count {self.latency_count}")
        _family(lines, "kernels", "gauge", "Kernels of the pool by state (idle, busy, starting...).")
        lines += [f'{PREFIX}_kernels{{state="{s}"}} {n}' for s, n in sorted(pool_counts.items())]
        _gauge(lines, "queue_waiting", "gauge", "Requests waiting for a kernel.", waiting)
        _gauge(lines, "kernel_restarts_total", "counter", "Kernels replaced after a fault.", restarts)
        return "\n".join(lines) + "\n"


def _family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {PREFIX}_{name} {help_text}")
    lines.append(f"# TYPE {PREFIX}_{name} {kind}")


def _gauge(lines: list[str], name: str, kind: str, help_text: str, value: float) -> None:
    _family(lines, name, kind, help_text)
    lines.append(f"{PREFIX}_{name} {value}")

