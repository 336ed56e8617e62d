"""Shared settings of the property-based and fuzz tests (tests/test_fuzz_*.py).

Each parser family gets `CW_FUZZ_EXAMPLES` generated inputs per run (default 1000), spread
over its tests by `share`: ``fuzz(0.25)`` is a quarter of the family's budget. A longer run
is one command::

    CW_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/test_fuzz_*.py

Deadlines are generous (2 s a call by default, `CW_FUZZ_DEADLINE_MS`) so a loaded CI machine
does not fail them, yet a hang (a catastrophic regular expression, an entity expansion) does.
No example database is written: a crash found is kept as an `@example` in its test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = max(1, int(os.environ.get("CW_FUZZ_EXAMPLES", "1000")))
DEADLINE_MS = int(os.environ.get("CW_FUZZ_DEADLINE_MS", "2000"))
# In CI (CI=true) the inputs are the same every run, so a submission's CI never fails on a
# crash it did not bring; anywhere else each run draws new ones (CW_FUZZ_RANDOM=1 forces that).
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DERANDOMIZE = IN_CI and not os.environ.get("CW_FUZZ_RANDOM")


def fuzz(share: float = 1.0, *, deadline_ms: int | None = None) -> settings:
    """Hypothesis settings for a test that takes `share` of its family's examples."""
    return settings(
        max_examples=max(10, round(EXAMPLES * share)),
        deadline=deadline_ms or DEADLINE_MS,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
