"""`livingwell audit verify`: walk the hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from livingwell.access.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain end to end."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Check every audit event's hash and link")

    def handle(self, *args, subcommand, **options):
        result = verify_chain()
        if not result.ok:
            where = (
                f"event {result.first_broken_id}"
                if result.first_broken_id
                else "the end of the chain"
            )
            raise CommandError(
                f"Audit chain BROKEN at {where}: {result.problem}. "
                f"{result.checked} events verified before it."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result.checked} events verified.")
        )
