"""`livingwell seed --people N --years Y --seed S [--if-empty]`: build a synthetic demo site."""

from django.core.management.base import BaseCommand, CommandError

from livingwell.seed.run import SeedError, SeedOptions, has_people, seed_site


class Command(BaseCommand):
    help = (
        "Build a realistic synthetic Living Well site: partner organisations, staff, personas, "
        "and people whose journeys exercise every state. Deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=2000, help="People to create (1 to 2,000,000)."
        )
        parser.add_argument("--years", type=int, default=3, help="Years of history (1 to 20).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (0 or more).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and say so) when the database already has people.",
        )

    def handle(self, *args, people, years, seed, if_empty, **options):
        seed_options = SeedOptions(people=people, years=years, seed=seed)
        try:
            seed_options.validate()
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        if if_empty and has_people():
            self.stdout.write("The database already has people: nothing seeded (--if-empty).")
            return
        self.stdout.write(f"Seeding {people:,} people over {years} year(s) with seed {seed}...")
        try:
            summary = seed_site(seed_options, progress=self.stdout.write)
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        states = ", ".join(f"{k} {v:,}" for k, v in summary["introductions_by_state"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {summary['seconds']}s: {summary['people']:,} people, "
                f"{summary['introductions']:,} introductions ({states}), "
                f"{summary['contacts']:,} contacts, "
                f"{summary['handovers']:,} handovers, {summary['staff']:,} staff."
            )
        )
