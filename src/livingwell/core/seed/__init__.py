"""The `livingwell seed` command's engine: a realistic synthetic site, deterministic for a seed."""

from livingwell.core.seed.run import SeedError, SeedOptions, has_people, seed_site

__all__ = ["SeedError", "SeedOptions", "has_people", "seed_site"]
