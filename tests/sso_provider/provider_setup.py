"""Make the provider's database: tables, a signing key, people and Scrutiny as a client.

Usage: provider_setup.py REDIRECT_URI CLIENT_ID CLIENT_SECRET PASSWORD
"""

import sys

import django
from django.core.management import call_command

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402

redirect_uri, client_id, client_secret, password = sys.argv[1:5]
call_command("migrate", verbosity=0)
call_command("creatersakey")
for username in ("known", "strong", "stranger", "unverified"):
    email = "stranger@example.org" if username == "stranger" else f"{username}@example.org"
    User.objects.create_user(username=username, email=email, password=password)
client = Client.objects.create(
    name="Scrutiny",
    client_type="confidential",
    client_id=client_id,
    client_secret=client_secret,
    jwt_alg="RS256",
    require_consent=False,
    _redirect_uris=redirect_uri,
)
client.response_types.add(ResponseType.objects.get(value="code"))
