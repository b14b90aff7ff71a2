"""Fresh planner statistics after a bulk write, so PostgreSQL picks sane join plans.

PostgreSQL plans each query from statistics that autovacuum refreshes about a minute
after a table changes. Straight after a bulk write (a bundle import, a survey import)
those statistics can still say "empty table", and the planner then joins answers to
responses with a nested loop that scans one table once per row of the other: a bundle
of 32 demo inspections took minutes instead of a second. The job that wrote the rows is
usually the one that reads them next (the evaluation, the report), so it refreshes the
statistics itself. ANALYZE samples a fixed number of rows, so this costs milliseconds
on small tables and well under a second on large ones. SQLite's planner needs none.
"""

from django.db import connection
from django.db.models import Model


def refresh_planner_statistics(*models: type[Model]) -> None:
    """ANALYZE the tables of `models` on PostgreSQL (in the current transaction, whose
    own new rows ANALYZE counts); nothing on other databases."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
