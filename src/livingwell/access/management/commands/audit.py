"""`livingwell audit verify [--checkpoints PLACE]`: walk the hash chain and report the first
broken link, and with checkpoints also a removed tail or a rewritten chain.
`livingwell audit checkpoint [--place PLACE]`: append a signed checkpoint of the chain head to the
place outside the database (ADR 0021); run it on a schedule."""

from django.core.management.base import BaseCommand, CommandError

from livingwell.access.audit import verify_chain
from livingwell.access.checkpoints import CheckpointError, read_checkpoints, write_checkpoint


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' checks the hash chain end to end (and against signed "
        "checkpoints with --checkpoints); 'checkpoint' writes a signed checkpoint."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check every audit event's hash and link")
        verify.add_argument(
            "--checkpoints",
            metavar="PLACE",
            help="also check the chain against the signed checkpoints in this directory",
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="Append a signed checkpoint of the chain head outside the database"
        )
        checkpoint.add_argument(
            "--place", help="the directory (default LIVINGWELL_AUDIT_CHECKPOINT_DIR)"
        )

    def handle(self, *args, subcommand, **options):
        try:
            if subcommand == "checkpoint":
                self._checkpoint(options.get("place"))
            else:
                self._verify(options.get("checkpoints"))
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc

    def _checkpoint(self, place) -> None:
        checkpoint = write_checkpoint(place=place)
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint written: {checkpoint.count} events, the newest {checkpoint.last_id}."
            )
        )

    def _verify(self, place) -> None:
        checkpoints = read_checkpoints(place) if place else []
        result = verify_chain(checkpoints=checkpoints)
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
        against = f", and against {len(checkpoints)} signed checkpoints" if place else ""
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result.checked} events verified{against}.")
        )
