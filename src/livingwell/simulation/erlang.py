"""Erlang C: what queueing theory knows about the M/M/c queue, to check the simulation against.

With arrivals at rate lambda, c servers each at rate mu and offered load a = lambda / mu (rho =
a / c < 1), the probability that an arrival waits is

    C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k<c} a^k / k! + a^c / c! * c / (c - a)]

and the mean wait in queue is Wq = C(c, a) / (c mu - lambda). The terms are built up one ratio at
a time so that large c does not overflow the factorials.
"""

from __future__ import annotations

import math


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that an arrival has to wait (Erlang C formula)."""
    if servers < 1:
        raise ValueError("At least one server is needed.")
    if offered_load < 0:
        raise ValueError("The offered load cannot be negative.")
    if offered_load >= servers or math.isclose(offered_load, servers):
        raise ValueError("The load must be below 1 (arrival rate below servers x service rate).")
    term = 1.0  # a^k / k! for k = 0
    below = 0.0
    for k in range(servers):
        below += term
        term *= offered_load / (k + 1)
    # term is now a^c / c!
    waiting = term * servers / (servers - offered_load)
    return waiting / (below + waiting)


def erlang_c_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue Wq of the M/M/c queue, in the time unit of the rates."""
    if arrival_rate <= 0 or service_rate <= 0:
        raise ValueError("The arrival and service rates must be positive.")
    probability = erlang_c(servers, arrival_rate / service_rate)
    return probability / (servers * service_rate - arrival_rate)
