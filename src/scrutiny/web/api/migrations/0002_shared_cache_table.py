"""The database cache table the API's rate limits count in (settings.CACHES["shared"]).

Django makes it with `createcachetable`, not with a model; running that here means
`migrate` alone sets an installation up, as it does everything else.
"""

from django.core.management import call_command
from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
