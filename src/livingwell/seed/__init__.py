"""The `livingwell seed` command's engine: a realistic synthetic site, deterministic for a seed
(run.py: SeedOptions, seed_site)."""
