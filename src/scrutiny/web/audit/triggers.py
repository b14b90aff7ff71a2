"""The SQLite trigger that refuses deletes of audit events, shared by the migration
that creates it and the `flush` command that lifts it while emptying the database."""

SQLITE_NO_DELETE = """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
   BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"""
SQLITE_NO_DELETE_DROP = "DROP TRIGGER IF EXISTS audit_event_no_delete;"
