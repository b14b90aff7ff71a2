"""The job queue: progress, outcome, failure reasons, access, and a real worker process."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections import roles
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import (
    STOPPED,
    job_enqueue,
    jobs_recover_stalled,
    run_ready_jobs,
    stage_upload,
    staged_path,
    sweep_files,
)

from . import jobs_for_tests

ROOT = Path(__file__).resolve().parents[2]


def test_it_runs_a_queued_job_and_shows_its_outcome(client_for: Any, inspection: Any) -> None:
    job = job_enqueue(
        handler=jobs_for_tests.count_rows,
        title="Counting rows",
        params={"rows": 3, "marker": "counted"},
        inspection=inspection,
        permission=roles.VIEW_RECORDS,
        next_url="/somewhere/",
    )
    url = reverse("jobs:job", args=[inspection.pk, job.pk])
    page = client_for("lead").get(url).content.decode()
    assert "Waiting for the worker to start it." in page
    # Without JavaScript the page refreshes itself until the job ends.
    assert '<meta http-equiv="refresh" content="3">' in page

    assert "No worker has started it yet" not in page
    # Still waiting a few minutes later: the page says what to do.
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    page = client_for("lead").get(url).content.decode()
    assert "No worker has started it yet" in page

    assert run_ready_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == (Job.Status.DONE, 3, 3, 1)
    assert AuditEvent.objects.filter(summary__startswith="counted ").count() == 3
    page = client_for("lead").get(url).content.decode()
    assert "Stored 3 rows." in page and 'href="/somewhere/"' in page
    assert "http-equiv" not in page


def test_it_shows_progress_to_htmx_as_a_fragment(client_for: Any, inspection: Any) -> None:
    job = job_enqueue(
        handler=jobs_for_tests.count_rows,
        title="Counting rows",
        params={"rows": 4, "marker": "m"},
        inspection=inspection,
        permission=roles.VIEW_RECORDS,
    )
    Job.objects.filter(pk=job.pk).update(
        status="running", done=1, total=4, message="Checking row 1"
    )
    url = reverse("jobs:job", args=[inspection.pk, job.pk])
    fragment = client_for("lead").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith("{#") is False and 'id="job-progress"' in fragment
    assert "<html" not in fragment
    assert "Checking row 1" in fragment and "1 of 4 (25%)" in fragment
    # Once it has ended, htmx is told to load the whole page (the outcome).
    Job.objects.filter(pk=job.pk).update(status="done", finished_at=timezone.now())
    response = client_for("lead").get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_it_shows_a_refusal_with_its_reason_and_writes_nothing(
    client_for: Any, inspection: Any
) -> None:
    job = job_enqueue(
        handler=jobs_for_tests.count_rows,
        title="Counting rows",
        params={"rows": 3, "marker": "refused", "refuse": "Row 2 has no record id."},
        inspection=inspection,
        permission=roles.VIEW_RECORDS,
    )
    run_ready_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.failure == "Row 2 has no record id."
    assert not AuditEvent.objects.filter(summary__startswith="refused ").exists()
    page = (
        client_for("lead").get(reverse("jobs:job", args=[inspection.pk, job.pk])).content.decode()
    )
    assert "Counting rows failed" in page and "Row 2 has no record id." in page
    assert "Error: Counting rows" in page  # the title says so first


def test_it_fails_a_crashed_job_without_showing_the_error(client_for: Any, inspection: Any) -> None:
    job = job_enqueue(
        handler=jobs_for_tests.crash,
        title="Crashing",
        inspection=inspection,
        permission=roles.VIEW_RECORDS,
    )
    run_ready_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Something went wrong on the server" in job.failure
    page = (
        client_for("lead").get(reverse("jobs:job", args=[inspection.pk, job.pk])).content.decode()
    )
    assert "a bug" not in page and "RuntimeError" not in page


def test_it_refuses_a_job_to_those_without_its_permission(client_for: Any, inspection: Any) -> None:
    job = job_enqueue(
        handler=jobs_for_tests.count_rows,
        title="Counting rows",
        params={"rows": 1, "marker": "m"},
        inspection=inspection,
        permission=roles.READ_RECORDS,
    )
    url = reverse("jobs:job", args=[inspection.pk, job.pk])
    for persona, status in [("lead", 200), ("volunteer", 404), ("partner", 404), ("outsider", 404)]:
        assert client_for(persona).get(url).status_code == status, persona
    # The id of another inspection's job is as unknown as a missing one.
    assert (
        client_for("outsider")
        .get(reverse("jobs:job", args=[inspection.pk + 1, job.pk]))
        .status_code
        == 404
    )


def test_it_only_accepts_declared_handlers(db: None) -> None:
    def not_a_handler(job: Job) -> None:
        pass

    with pytest.raises(ValueError, match="not decorated"):
        job_enqueue(handler=not_a_handler, title="x")
    assert not Job.objects.exists()


def test_it_retries_then_fails_a_job_whose_worker_died(inspection: Any) -> None:
    job = job_enqueue(
        handler=jobs_for_tests.count_rows,
        title="Counting rows",
        params={"rows": 1, "marker": "m"},
        inspection=inspection,
        max_attempts=2,
    )
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    host = os.uname().nodename
    for attempt in (1, 2):
        Job.objects.filter(pk=job.pk).update(
            status="running", attempts=attempt, worker=f"{host}:{dead.stdout.strip()}"
        )
        DBTaskResult.objects.filter(status="READY").update(status="RUNNING")
        assert [j.pk for j in jobs_recover_stalled()] == [job.pk]
        job.refresh_from_db()
        if attempt == 1:
            assert job.status == Job.Status.QUEUED  # put back on the queue
            assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert job.status == Job.Status.FAILED and job.failure == STOPPED
    # A job of a live worker is left alone.
    Job.objects.filter(pk=job.pk).update(
        status="running", worker=f"{host}:{os.getpid()}", heartbeat_at=timezone.now()
    )
    assert jobs_recover_stalled() == []


def test_it_sweeps_staged_files_nothing_claims(
    inspection: Any, settings: Any, tmp_path: Path
) -> None:
    settings.JOBS_STAGING_DIR = tmp_path / "staging"
    settings.JOBS_OUTPUT_DIR = tmp_path / "output"
    orphan = stage_upload([b"left behind by a killed request"])
    claimed = stage_upload([b"waiting for its job"])
    job_enqueue(
        handler=jobs_for_tests.count_rows,
        title="Counting rows",
        params={"rows": 1, "marker": "m", "staged": claimed},
        inspection=inspection,
    )
    # Young files are left alone: the request that wrote one may not have queued its job yet.
    assert sweep_files() == []
    removed = sweep_files(older_than_seconds=-1)
    assert [p.name for p in removed] == [orphan]
    assert staged_path(claimed).exists()
    # The job's own staged file goes when the job ends.
    run_ready_jobs()
    assert not staged_path(claimed).exists()


# --- the real worker process --------------------------------------------------------------


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SCRUTINY_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }


def _manage(data_dir: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=_env(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _enqueue(data_dir: Path, handler: str, params: dict[str, Any]) -> int:
    code = (
        "from scrutiny.web.jobs.services import job_enqueue\n"
        f"from tests.web.jobs_for_tests import {handler}\n"
        f"print(job_enqueue(handler={handler}, title='Writing rows', params={params!r}).pk)"
    )
    return int(_manage(data_dir, "shell", "--no-imports", "-c", code).strip())


def _query(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("installation")
    _manage(data_dir, "migrate", "--noinput")
    return data_dir


def test_it_runs_jobs_in_the_db_worker_process(installation: Path) -> None:
    job_id = _enqueue(installation, "count_rows", {"rows": 5, "marker": "by the worker"})
    _manage(installation, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    assert _query(installation, f"select status, done, total from jobs_job where id={job_id}") == [
        ("done", 5, 5)
    ]
    assert _query(
        installation, "select count(*) from audit_auditevent where summary like 'by the worker %'"
    ) == [(5,)]
    # The worker put the periodic sweep on the queue, and ran it.
    sweeps = _query(
        installation,
        "select status from django_tasks_database_dbtaskresult where task_path='scrutiny.web.jobs.tasks.sweep'",
    )
    assert ("SUCCESSFUL",) in sweeps and ("READY",) in sweeps


def test_it_leaves_nothing_half_written_when_the_worker_is_killed(
    installation: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "mid-write"
    job_id = _enqueue(
        installation, "write_then_wait", {"rows": 50, "marker": "killed", "flag": str(flag)}
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        env=_env(installation),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            if flag.exists():
                break
            time.sleep(0.1)
        assert flag.exists(), "the worker never started the job"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _query(installation, f"select status, attempts from jobs_job where id={job_id}") == [
        ("running", 1)
    ]
    assert _query(
        installation, "select count(*) from audit_auditevent where summary like 'killed %'"
    ) == [(0,)]
    # The next worker finds the job of the dead one and runs it again, whole.
    _manage(installation, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    assert _query(installation, f"select status, attempts from jobs_job where id={job_id}") == [
        ("done", 2)
    ]
    assert _query(
        installation, "select count(*) from audit_auditevent where summary like 'killed %'"
    ) == [(50,)]
