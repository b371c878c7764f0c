"""`livingwell backup [DEST]`: one consistent copy of the database, taken while the site runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from livingwell.backups.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the database up to DEST (a file, or a directory for a dated file; default "
        "LIVINGWELL_BACKUP_DIR): SQLite's online backup, or pg_dump's custom format."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", nargs="?", help="a file or a directory")

    def handle(self, *args, dest=None, **options):
        dest = dest or settings.LIVINGWELL_BACKUP_DIR
        if not dest:
            raise CommandError("Name a destination, or set LIVINGWELL_BACKUP_DIR")
        try:
            written = backup(Path(dest))
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {written} ({size:,} bytes)."))
