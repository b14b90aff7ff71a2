from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scrutiny.web.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write one consistent archive of the installation: the database (SQLite online "
        "backup or pg_dump), attachments, Word templates, and a manifest with their sha256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write (.tar.gz)")

    def handle(self, *args: object, **options: str) -> None:
        target = Path(options["file"])
        if target.is_dir() or not target.resolve().parent.is_dir():
            raise CommandError(f"{target}: not a file in an existing folder", returncode=2)
        manifest = backup_write(target)
        files = len(manifest["parts"]) - 1
        self.stdout.write(
            f"Backed up the {manifest['engine']} database and {files} file{'s' if files != 1 else ''} "
            f"to {target}"
        )
        for name in manifest["missing"]:
            self.stderr.write(f"warning: {name} is named by the database but was not on disk")
