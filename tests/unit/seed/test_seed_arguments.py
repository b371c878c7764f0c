"""The seed command refuses nonsense arguments before touching the database."""

import pytest
from django.core.management import CommandError, call_command

from livingwell.seed.run import SeedError, SeedOptions


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--people", "0"], "--people must be at least 1"),
        (["--people", "-5"], "--people must be at least 1"),
        (["--people", "2000001"], "--people must be at most 2,000,000"),
        (["--years", "0"], "--years must be between 1 and 20"),
        (["--years", "21"], "--years must be between 1 and 20"),
        (["--seed", "-1"], "--seed must be zero or a positive whole number"),
    ],
)
def test_refuses_nonsense_with_a_clear_message(args, message):
    # No database access is allowed in this test: the refusal comes before any query.
    with pytest.raises(CommandError, match=message):
        call_command("seed", *args)


def test_refuses_words_where_numbers_belong():
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("seed", "--people", "lots")


@pytest.mark.parametrize(
    ("people", "years", "seed"),
    [(1, 1, 0), (2_000_000, 20, 12345), (60, 2, 7)],
)
def test_accepts_the_edges_of_the_allowed_ranges(people, years, seed):
    SeedOptions(people=people, years=years, seed=seed).validate()


def test_seed_error_is_a_value_error_with_the_message():
    with pytest.raises(ValueError, match="at least 1"):
        SeedOptions(people=0, years=3, seed=1).validate()
    assert issubclass(SeedError, ValueError)
