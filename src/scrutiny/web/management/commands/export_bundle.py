import getpass
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scrutiny.web.inspections.bundle_io import bundle_export
from scrutiny.web.inspections.models import Inspection


class Command(BaseCommand):
    help = "Write an inspection as a bundle (canonical JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the inspection's reference, e.g. JI-0001")
        parser.add_argument(
            "-o",
            "--output",
            default="-",
            help="file to write, or - for standard output (the default)",
        )

    def handle(self, *args: object, **options: str) -> None:
        inspection = Inspection.objects.filter(reference=options["reference"]).first()
        if inspection is None:
            raise CommandError(
                f"no inspection with reference {options['reference']!r}", returncode=2
            )
        content = bundle_export(actor=f"cli:{getpass.getuser()}", inspection=inspection)
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            try:
                with open(options["output"], "wb") as out:
                    out.write(content)
            except OSError as exc:
                raise CommandError(f"{options['output']}: {exc.strerror}", returncode=2) from None
