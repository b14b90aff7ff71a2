import getpass
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scrutiny.core.bundle import BundleInvalid
from scrutiny.web.inspections.bundle_io import bundle_import


class Command(BaseCommand):
    help = "Create an inspection from a bundle file (all or nothing; every problem listed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle", help="path to the bundle JSON, or - for standard input")

    def handle(self, *args: object, **options: str) -> None:
        path = options["bundle"]
        try:
            data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from None
        try:
            inspection = bundle_import(actor=f"cli:{getpass.getuser()}", data=data)
        except BundleInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"nothing imported: {len(exc.problems)} problem(s)", returncode=2
            ) from None
        self.stdout.write(f"imported {inspection.reference} as inspection {inspection.pk}")
