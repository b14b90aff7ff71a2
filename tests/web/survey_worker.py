"""Steps for the survey import run by the real job worker (`manage.py db_worker`).

Called through `manage.py shell -c` against a migrated installation in a temporary
SCRUTINY_DATA_DIR, by tests/web/test_surveys_worker.py and by
bench/bench_survey_import_worker.py (the 100,000-row variants). Each prints one line.
"""

import csv
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

SURVEY = "children_and_young_people"
QUESTIONS = [
    "Do you feel safe where you live?",
    "Do the adults who help you listen to what you have to say?",
    "Is there an adult you trust to talk to if you are worried?",
    "Do you get a say in decisions about your life?",
    "Has the help you get made your life better?",
    "Is there anything else you want to tell us?",
]
ANSWERS = [
    ("Yes", "Sometimes", "Yes", "Yes", "A lot", "I like my school"),
    ("Mostly", "Yes", "No", "Sometimes", "A little", ""),
    ("No", "No", "Not sure", "No", "Not at all", "More visits please"),
]


def write_export(path: Path, rows: int) -> None:
    """A LimeSurvey-style export of ``rows`` complete responses."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "submitdate", "lastpage", "startlanguage", "seed", "Care group",
                         *QUESTIONS])  # fmt: skip
        for n in range(1, rows + 1):
            writer.writerow([n, "2026-02-01 10:00:00", 3, "en", n * 7, "Foster care",
                             *ANSWERS[n % 3]])  # fmt: skip


def prepare(rows: int) -> None:
    """An inspection, its lead, and an upload of ``rows`` responses (queued to be read)."""
    from scrutiny.core.bundle import dump_bundle
    from scrutiny.core.demo import make_demo
    from scrutiny.core.methodology import load_programme
    from scrutiny.web.accounts.models import User
    from scrutiny.web.inspections.bundle_io import bundle_import
    from scrutiny.web.inspections.models import Membership, Role
    from scrutiny.web.surveys.services import survey_upload

    data = make_demo(seed=7, records=5)
    data["inspection"]["reference"] = f"JI-W{int(time.time() * 1000) % 100000}"
    inspection = bundle_import(actor="test", data=dump_bundle(data))
    lead = User.objects.create_user(username=f"lead-{inspection.pk}")
    Membership.objects.create(inspection=inspection, user=lead, role=Role.LEAD_INSPECTOR)
    uploads = Path(settings.SURVEY_UPLOADS_DIR)
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / f"worker-{inspection.pk}.csv"
    write_export(path, rows)
    survey = load_programme(inspection.programme).survey(SURVEY)
    imp = survey_upload(actor=lead, inspection=inspection, survey=survey, path=path,
                        file_name="children.csv")  # fmt: skip
    print(imp.pk)


def _sessions_file(import_id: int) -> Path:
    return Path(settings.DATA_DIR) / f"sessions-{import_id}.txt"


def start(import_id: int, readers: int = 25) -> None:
    """The lead signs in on ``readers`` devices (after 2FA), then confirms the preview:
    the import is queued."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from scrutiny.web.surveys.models import SurveyImport
    from scrutiny.web.surveys.services import survey_import_start

    imp = SurveyImport.objects.select_related("inspection", "created_by").get(pk=import_id)
    assert imp.status == "ready", (imp.status, imp.problems)
    device, _ = TOTPDevice.objects.get_or_create(user=imp.created_by, name="test", confirmed=True)
    keys = []
    for _ in range(readers):
        client = Client(HTTP_HOST="localhost")
        client.force_login(imp.created_by)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        keys.append(session.session_key)
    _sessions_file(import_id).write_text("\n".join(keys))
    survey_import_start(actor=imp.created_by, job=imp)
    print(imp.job_id)


def read_pages(import_id: int, readers: int = 25) -> None:
    """``readers`` people open survey pages at once; print each status and the slowest."""
    from scrutiny.web.surveys.models import SurveyImport

    imp = SurveyImport.objects.select_related("created_by").get(pk=import_id)
    pk = imp.inspection_id
    urls = [
        f"/inspections/{pk}/surveys/",
        f"/inspections/{pk}/surveys/{SURVEY}/results/",
        f"/inspections/{pk}/surveys/imports/{import_id}/",
        f"/inspections/{pk}/surveys/{SURVEY}/",
        f"/inspections/{pk}/",
    ]
    results: list[Any] = []
    lock = threading.Lock()

    keys = _sessions_file(import_id).read_text().split()

    def read(n: int) -> None:
        client = Client(HTTP_HOST="localhost")
        client.cookies[settings.SESSION_COOKIE_NAME] = keys[n % len(keys)]
        start = time.monotonic()
        try:
            status = client.get(urls[n % len(urls)]).status_code
        except Exception as exc:  # reported, so the test can show what failed
            status = repr(exc)
        finally:
            connection.close()
        with lock:
            results.append((status, time.monotonic() - start))

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted({str(s) for s, _ in results})
    print(f"{len(results)} {','.join(statuses)} {max(t for _, t in results):.2f}")
