"""Personas and a small demo inspection for the web tests.

Cast (as in healthchecks' BaseTestCase): one person per role in inspection A, a site
administrator, `outsider`, who leads inspection B and nothing else, and `manager`, a
programme manager, who sees the programme-wide aggregates and no inspection.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.demo import make_demo
from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection, Membership, Role

ROLE_OF = {
    "lead": Role.LEAD_INSPECTOR,
    "inspector": Role.INSPECTOR,
    "volunteer": Role.YOUNG_INSPECTION_VOLUNTEER,
    "assurer": Role.QUALITY_ASSURER,
    "partner": Role.PARTNERSHIP_CONTACT,
    # A partnership reader: reads the records assigned to them and nothing else.
    "reader": Role.PARTNERSHIP_READER,
}
PERSONAS = ["anonymous", "admin", *ROLE_OF, "outsider", "manager"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; test_accounts checks it is the production hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Evidence attachments are written under ATTACHMENTS_DIR; never the checkout's var/.
    settings.ATTACHMENTS_DIR = tmp_path_factory.mktemp("attachments")
    # Jobs' staged uploads and built files too.
    settings.JOBS_STAGING_DIR = tmp_path_factory.mktemp("staging")
    settings.JOBS_OUTPUT_DIR = tmp_path_factory.mktemp("job-output")


@pytest.fixture
def run_jobs(db: None) -> Callable[[], int]:
    """Run every queued job now, in this process, as `manage.py db_worker` would."""
    from scrutiny.web.jobs.services import run_ready_jobs

    return run_ready_jobs


def demo_bytes(*, reference: str = "JI-0001", records: int = 12, seed: int = 1) -> bytes:
    data = make_demo(seed=seed, records=records)
    data["inspection"]["reference"] = reference
    return dump_bundle(data)


@pytest.fixture
def inspection(db: None) -> Inspection:
    return bundle_import(actor="test", data=demo_bytes(reference="JI-A"))


@pytest.fixture
def other_inspection(db: None) -> Inspection:
    return bundle_import(actor="test", data=demo_bytes(reference="JI-B", seed=2))


@pytest.fixture
def people(inspection: Inspection, other_inspection: Inspection) -> dict[str, User]:
    """Every persona but anonymous, with memberships; none is a demo account."""
    cast: dict[str, User] = {}
    for name in [*ROLE_OF, "admin", "outsider", "manager"]:
        cast[name] = User.objects.create_user(
            username=name,
            password="a-long-test-password",
            is_administrator=name == "admin",
            is_programme_manager=name == "manager",
        )
    for name, role in ROLE_OF.items():
        Membership.objects.create(inspection=inspection, user=cast[name], role=role)
    Membership.objects.create(
        inspection=other_inspection, user=cast["outsider"], role=Role.LEAD_INSPECTOR
    )
    return cast


def signed_in_client(user: User | None) -> Client:
    """A client signed in with password and a verified TOTP device (as after 2FA)."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(people: dict[str, User]) -> Callable[[str], Client]:
    def make(persona: str) -> Client:
        return signed_in_client(None if persona == "anonymous" else people[persona])

    return make
