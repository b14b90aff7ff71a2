"""Make a site administrator: the first one of a new installation, or another later.

`createsuperuser` is not the way: it does not set the flag Scrutiny checks
(`is_administrator`), and Django's admin site is not installed. The new administrator
has no second factor yet, so their first sign-in goes straight to setting one up.
"""

import getpass
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scrutiny.core.refusal import Refused
from scrutiny.web.accounts.services import user_create


class Command(BaseCommand):
    help = "Make a site administrator, who sets up two-factor authentication at first sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="for password reset links")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="read the password from this file (else it is asked for twice)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        password = self._password(options["password_file"])
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError("The password is not accepted: " + " ".join(exc.messages)) from None
        try:
            user = user_create(
                actor="cli:createadmin",
                username=options["username"],
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                is_administrator=True,
            )
        except Refused as exc:
            raise CommandError(" ".join(exc.reasons)) from None
        self.stdout.write(
            f"Site administrator {user.get_username()} is made. At the first sign-in they set "
            "up an authenticator app (two-factor authentication) before anything else."
        )

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from None
        if not sys.stdin.isatty():
            raise CommandError("Give --password-file, or run this in a terminal to type it.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords are not the same.")
        return first
