"""Summaries across replications: the mean and its 95% confidence interval (Student's t).

Each replication is one independent run with its own seed, so its result is one observation; the
interval across them is the honest statement of the simulation's own noise (STRESS-DES 4.3).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (any statistical table);
# beyond 30 the normal quantile is within 2% of t.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t95(degrees_of_freedom: int) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("A confidence interval needs at least two replications.")
    if degrees_of_freedom <= len(_T95):
        return _T95[degrees_of_freedom - 1]
    return statistics.NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Estimate:
    mean: float
    ci_low: float
    ci_high: float

    def as_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "ci_low": self.ci_low, "ci_high": self.ci_high}


def estimate(values: Sequence[float]) -> Estimate:
    """The mean of one figure over the replications with its 95% interval (a point with one)."""
    clean = [v for v in values if v is not None and not math.isnan(v)]
    if not clean:
        return Estimate(math.nan, math.nan, math.nan)
    mean = statistics.fmean(clean)
    if len(clean) < 2:
        return Estimate(mean, mean, mean)
    half = t95(len(clean) - 1) * statistics.stdev(clean) / math.sqrt(len(clean))
    return Estimate(mean, mean - half, mean + half)
