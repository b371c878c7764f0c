"""The simulation checked against theory: M/M/c in Ciw agrees with Erlang C."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from livingwell.simulation.engine import LoadTooHigh, mmc
from livingwell.simulation.erlang import erlang_c, erlang_c_mean_wait


def test_erlang_c_matches_published_values():
    # M/M/1: C = rho and Wq = rho / (mu - lambda).
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert erlang_c_mean_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    # M/M/3 with lambda 0.2, mu 0.1 (Ciw's README example): C = 4/9, Wq = 4.444...
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang_c_mean_wait(0.2, 0.1, 3) == pytest.approx(40 / 9)
    # Large c does not overflow.
    assert 0 < erlang_c(200, 190.0) < 1


@pytest.mark.parametrize(
    ("servers", "load", "horizon"),
    [(2, 0.5, 2_000), (2, 0.8, 4_000), (5, 0.9, 4_000), (2, 0.95, 10_000)],
)
def test_simulated_mean_wait_agrees_with_erlang_c(servers, load, horizon):
    # Horizons grow with the load because the queue's memory does: near 1 one run's mean wait
    # swings widely, and short runs would make an interval too wide to test anything.
    result = mmc(
        arrival_rate=servers * load,
        service_rate=1.0,
        servers=servers,
        horizon=horizon,
        warmup=horizon / 10,
        replications=10,
        seed=7,
    )
    assert result.ci_low <= result.erlang_c_mean_wait <= result.ci_high
    # The interval is narrow enough to mean something: within 25% of the theoretical value.
    assert result.ci_high - result.ci_low < 0.5 * result.erlang_c_mean_wait


def test_same_seed_same_result_and_other_seed_differs():
    kwargs = dict(arrival_rate=1.6, service_rate=1.0, servers=2, horizon=500, warmup=50)
    first = mmc(replications=3, seed=11, **kwargs)
    assert mmc(replications=3, seed=11, **kwargs) == first
    assert mmc(replications=3, seed=12, **kwargs).replication_means != first.replication_means


@pytest.mark.parametrize("arrival_rate", [0.3, 0.4])
def test_load_of_one_or_more_is_refused(arrival_rate):
    with pytest.raises(LoadTooHigh, match="must be below 1"):
        mmc(
            arrival_rate=arrival_rate,
            service_rate=0.1,
            servers=3,
            horizon=100,
            warmup=0,
            replications=2,
            seed=1,
        )
    with pytest.raises(ValueError, match="below 1"):
        erlang_c_mean_wait(arrival_rate, 0.1, 3)


def test_command_prints_json(capsys):
    call_command(
        "simulate",
        "mmc",
        "--arrival-rate=0.2",
        "--service-rate=0.1",
        "--servers=3",
        "--horizon=1440",
        "--warmup=100",
        "--replications=3",
        "--seed=1",
        "--json",
    )
    body = json.loads(capsys.readouterr().out)
    assert body["erlang_c_mean_wait"] == pytest.approx(40 / 9)
    assert body["ci_low"] <= body["simulated_mean_wait"] <= body["ci_high"]


def test_command_refuses_load_of_one_with_a_message():
    with pytest.raises(CommandError, match="load is 1.000"):
        call_command(
            "simulate",
            "mmc",
            "--arrival-rate=0.3",
            "--service-rate=0.1",
            "--servers=3",
            "--horizon=100",
            "--replications=2",
        )
