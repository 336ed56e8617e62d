"""conflictwire: news reports in, ACLED-style conflict event records out.

The pipeline, one module a stage: read -> detect -> classify -> actors -> place -> timex
-> toll -> merge -> export (store and serve come later).
"""

__version__ = "0.1.0"
