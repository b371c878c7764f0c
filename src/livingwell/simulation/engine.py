"""The plain M/M/c queue on Ciw, run in replications, beside the Erlang C answer.

This is the simulation's check against theory (the network model in ``network.py`` is built on
the same library and the same replication rule): if Ciw, our seeding and our warm-up handling
agree with Erlang C here, a disagreement in the network comes from the network's inputs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import ciw

from livingwell.simulation.erlang import erlang_c_mean_wait
from livingwell.simulation.stats import estimate

__all__ = ["LoadTooHigh", "MMCResult", "mmc", "replication_seeds"]


class LoadTooHigh(ValueError):
    """The queue would grow without end: no steady state to simulate or compare."""


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Replication k runs with seed + k: a run is repeated exactly from its stored seed."""
    return [seed + k for k in range(replications)]


@dataclass(frozen=True)
class MMCResult:
    arrival_rate: float
    service_rate: float
    servers: int
    load: float
    horizon: float
    warmup: float
    replications: int
    seed: int
    simulated_mean_wait: float
    ci_low: float
    ci_high: float
    erlang_c_mean_wait: float
    replication_means: list[float]

    def as_dict(self) -> dict:
        return asdict(self)


def mmc(
    *,
    arrival_rate: float,
    service_rate: float,
    servers: int,
    horizon: float,
    warmup: float,
    replications: int,
    seed: int,
) -> MMCResult:
    """Simulated mean wait in queue of M/M/c, with its 95% interval, and the Erlang C value.

    Only people arriving after ``warmup`` count (the queue starts empty, which would bias the
    wait down); the run stops at ``horizon``, and people still waiting then are not counted
    (Ciw records finished services): a small bias down at high load, which a horizon long
    beside the warm-up keeps inside the interval.
    """
    if arrival_rate <= 0 or service_rate <= 0:
        raise ValueError("The arrival and service rates must be positive.")
    if servers < 1:
        raise ValueError("At least one server is needed.")
    if not 0 <= warmup < horizon:
        raise ValueError("The warm-up must be at least 0 and shorter than the horizon.")
    if replications < 2:
        raise ValueError("At least two replications are needed for a confidence interval.")
    load = arrival_rate / (servers * service_rate)
    # 0.3 / (3 x 0.1) is 0.9999999999999999 in floating point: a load of 1 typed as such is 1.
    if load >= 1 or math.isclose(load, 1.0):
        raise LoadTooHigh(
            f"The load is {load:.3f} (arrival rate / (servers x service rate)); it must be "
            "below 1, or the queue grows without end and has no mean wait."
        )
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=service_rate)],
        number_of_servers=[servers],
    )
    means = []
    for replication_seed in replication_seeds(seed, replications):
        ciw.seed(replication_seed)
        simulation = ciw.Simulation(network)
        simulation.simulate_until_max_time(horizon)
        waits = [
            record.waiting_time
            for record in simulation.get_all_records()
            if record.arrival_date >= warmup
        ]
        means.append(sum(waits) / len(waits) if waits else 0.0)
    summary = estimate(means)
    return MMCResult(
        arrival_rate=arrival_rate,
        service_rate=service_rate,
        servers=servers,
        load=load,
        horizon=horizon,
        warmup=warmup,
        replications=replications,
        seed=seed,
        simulated_mean_wait=summary.mean,
        ci_low=summary.ci_low,
        ci_high=summary.ci_high,
        erlang_c_mean_wait=erlang_c_mean_wait(arrival_rate, service_rate, servers),
        replication_means=means,
    )
