"""`livingwell restore SRC [--verify] [--into URL] [--keep]`: restore a backup into a new
database, never over the live one, and with --verify prove that it is whole."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livingwell.backups.backup import BackupError, key_counts, restore, verify


class Command(BaseCommand):
    help = (
        "Restore a backup into a scratch database (or --into a new one) and, with --verify, "
        "check its migrations, audit trail and board fields and count its rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", help="a file written by `livingwell backup`")
        parser.add_argument("--verify", action="store_true", help="run the checks and report")
        parser.add_argument(
            "--into",
            help="the database URL to restore into (must not exist yet); default a scratch one, "
            "removed afterwards",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database and say where it is"
        )

    def handle(self, *args, src, verify=False, into=None, keep=False, **options):
        try:
            restored = restore(Path(src), into=into)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"Restored {src} into {restored.where}.")
        keep = keep or bool(into)
        try:
            if verify:
                self._verify(restored)
        finally:
            if keep:
                self.stdout.write(f"Kept: DATABASE_URL={restored.url}")
            else:
                restored.discard()

    def _verify(self, restored) -> None:
        report = verify(restored)
        for check in report.checks:
            mark = self.style.SUCCESS("ok    ") if check.ok else self.style.ERROR("FAILED")
            self.stdout.write(f"  {mark} {check.name}: {check.said}")
        total = sum(report.counts.values())
        named = ", ".join(f"{words} {n:,}" for words, n in key_counts(report.counts).items())
        self.stdout.write(f"  rows   {total:,} in {len(report.counts)} tables: {named}")
        if not report.ok:
            failed = ", ".join(c.name for c in report.checks if not c.ok)
            raise CommandError(f"The restored copy FAILED its checks: {failed}.")
        self.stdout.write(self.style.SUCCESS("The restored copy passed every check."))
