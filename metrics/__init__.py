"""Metrics: the registry of measures, the queries under the as-at rule, and GOV.UK formatting.

Reads the store only. Start from ``metrics.registry.METRICS`` and ``metrics.query``.
"""

from metrics.registry import METRICS, Metric
from metrics.scope import Filters

__all__ = ["METRICS", "Filters", "Metric"]
