from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scrutiny.web.backup import BackupRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into an empty installation. The whole archive "
        "is checked against its manifest first; a damaged or partial one is refused and "
        "nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive written by `backup`")

    def handle(self, *args: object, **options: str) -> None:
        source = Path(options["file"])
        try:
            manifest = backup_restore(source)
        except BackupRefused as exc:
            raise CommandError(
                "nothing was restored:\n" + "\n".join(exc.problems), returncode=2
            ) from None
        # An archive from an earlier version is brought up to this version's tables.
        call_command("migrate", "--noinput", verbosity=0)
        files = len(manifest["parts"]) - 1
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database and {files} "
            f"file{'s' if files != 1 else ''}"
        )
