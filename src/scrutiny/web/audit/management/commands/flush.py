"""`flush` empties every table, the audit trail with them, on SQLite as on PostgreSQL.

On PostgreSQL Django empties tables with TRUNCATE, which the row triggers refusing
UPDATE and DELETE do not see. On SQLite it uses DELETE, which the audit table refuses
(migration 0003), so the trigger is lifted for the flush, inside its transaction, and
put back. Only this operator command, which wipes the whole database (as the test
runner does between browser tests), does that; no request or service can.
"""

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

from scrutiny.web.audit.triggers import SQLITE_NO_DELETE, SQLITE_NO_DELETE_DROP


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(SQLITE_NO_DELETE_DROP)
            super().handle(**options)
            cursor.execute(SQLITE_NO_DELETE)
