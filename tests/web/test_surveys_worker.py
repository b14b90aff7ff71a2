"""The survey import run by the real job worker: killed mid-import it leaves no rows in
the survey (only pending ones no page reads, deleted by the retry) and is retried;
pages opened during an import all succeed. (The 100,000-row variants are
bench/bench_survey_import_worker.py; these use fewer rows to keep CI short.)"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 10_000


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
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _step(data_dir: Path, call: str) -> str:
    code = f"from tests.web import survey_worker\nsurvey_worker.{call}"
    return _manage(data_dir, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def _query(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        return db.execute(sql).fetchall()


def _worker(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],  # fmt: skip
        env=_env(data_dir),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _writing(data_dir: Path) -> bool:
    """The worker holds SQLite's write lock (it is inside its storing transaction)."""
    db = sqlite3.connect(data_dir / "db.sqlite3", timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        db.close()


def _pending(data_dir: Path, import_id: int) -> int:
    """Rows the import's store has committed so far, pending (read by no page)."""
    sql = (
        "select count(*) from surveys_surveyresponse "
        f"where survey_import_id={import_id} and pending=1"
    )
    return int(_query(data_dir, sql)[0][0])


def _wait_until_storing(
    data_dir: Path, import_id: int, worker: subprocess.Popen[bytes], *, pending: int = 0
) -> None:
    """Until the worker is inside a storing transaction, with at least ``pending`` rows
    of earlier batches already committed (a kill then falls in the middle of the store)."""
    for _ in range(3000):
        assert worker.poll() is None, "the worker stopped"
        phase = _query(data_dir, f"select phase from surveys_surveyimport where id={import_id}")
        if (
            phase
            and phase[0][0].startswith("Saving")
            and _pending(data_dir, import_id) >= pending
            and _writing(data_dir)
        ):
            return
        time.sleep(0.01)
    raise AssertionError("the import never started storing")


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("survey-worker")
    _manage(data_dir, "migrate", "--noinput")
    return data_dir


def _ready_import(data_dir: Path) -> int:
    import_id = int(_step(data_dir, f"prepare({ROWS})"))
    # The worker reads the file, recognises LimeSurvey and reads the answers.
    _manage(data_dir, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    assert _query(data_dir, f"select status from surveys_surveyimport where id={import_id}") == [
        ("ready",)
    ]
    return import_id


def test_a_worker_killed_mid_import_leaves_no_rows_and_the_import_is_retried(
    installation: Path,
) -> None:
    import_id = _ready_import(installation)
    job_id = int(_step(installation, f"start({import_id})"))
    stored = (
        "select count(*) from surveys_surveyresponse "
        f"where survey_import_id={import_id} and pending=0"
    )
    written = f"select count(*) from surveys_surveyresponse where survey_import_id={import_id}"
    worker = _worker(installation)
    try:
        # Killed in the middle: two of the five batches are written, the third is being.
        _wait_until_storing(installation, import_id, worker, pending=ROWS * 2 // 5)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _query(installation, stored) == [(0,)]
    assert _pending(installation, import_id) >= ROWS * 2 // 5  # written, read by no page
    assert _query(installation, f"select status, attempts from jobs_job where id={job_id}") == [
        ("running", 1)
    ]
    # The next worker finds the dead one's job and runs the import again, whole.
    _manage(installation, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    assert _query(installation, f"select status, attempts from jobs_job where id={job_id}") == [
        ("done", 2)
    ]
    assert _query(installation, stored) == [(ROWS,)]
    assert _query(installation, written) == [(ROWS,)]  # nothing left of the killed attempt
    assert _query(
        installation,
        f"select status, responses_imported from surveys_surveyimport where id={import_id}",
    ) == [("done", ROWS)]


def test_pages_read_during_an_import_all_succeed(installation: Path) -> None:
    import_id = _ready_import(installation)
    _step(installation, f"start({import_id})")
    worker = _worker(installation)
    try:
        _wait_until_storing(installation, import_id, worker)
        count, statuses, slowest = _step(installation, f"read_pages({import_id}, 25)").split()
        for _ in range(600):
            status = _query(
                installation, f"select status from surveys_surveyimport where id={import_id}"
            )
            if status == [("done",)]:
                break
            time.sleep(0.1)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert (count, statuses) == ("25", "200")
    assert status == [("done",)]
