"""The 100,000-row survey import on the real job worker (issue 15's acceptance, heavy
variants; tests/web/test_surveys_worker.py runs them with fewer rows in CI).

In a temporary installation (migrated SQLite, `manage.py db_worker` processes):
1. the worker is killed while it stores 100,000 responses: rows stored then (expected
   0), the job's state, and the retry's outcome;
2. 25 page reads while the worker stores another 100,000: their statuses and the
   slowest. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web import test_surveys_worker as steps  # noqa: E402

ROWS = 100_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        steps._manage(data, "migrate", "--noinput")
        steps.ROWS = ROWS

        start = time.perf_counter()
        import_id = steps._ready_import(data)
        print(f"upload read and answers scanned by the worker: {time.perf_counter() - start:.1f} s")
        job_id = int(steps._step(data, f"start({import_id})"))
        stored = (
            "select count(*) from surveys_surveyresponse "
            f"where survey_import_id={import_id} and pending=0"
        )
        pending = "select count(*) from surveys_surveyresponse where pending=1"
        worker = steps._worker(data)
        start = time.perf_counter()
        # Killed in the middle of the store: half the rows are written (pending).
        steps._wait_until_storing(data, import_id, worker, pending=ROWS // 2)
        print(f"half stored after {time.perf_counter() - start:.1f} s; killing the worker")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=60)
        print(f"  responses in the survey after the kill: {steps._query(data, stored)[0][0]} "
              f"(pending, read by no page: {steps._query(data, pending)[0][0]:,})")  # fmt: skip
        state = steps._query(data, f"select status, attempts from jobs_job where id={job_id}")
        print(f"  job: {state[0][0]}, attempt {state[0][1]}")
        start = time.perf_counter()
        steps._manage(data, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
        state = steps._query(data, f"select status, attempts from jobs_job where id={job_id}")
        print(f"  retried by the next worker in {time.perf_counter() - start:.1f} s: job "
              f"{state[0][0]} after {state[0][1]} attempts, {steps._query(data, stored)[0][0]:,} "
              f"responses, {steps._query(data, pending)[0][0]} pending left")  # fmt: skip

        import_id = steps._ready_import(data)
        steps._step(data, f"start({import_id})")
        worker = steps._worker(data)
        try:
            steps._wait_until_storing(data, import_id, worker)
            line = steps._step(data, f"read_pages({import_id}, 25)")
            print(f"25 page reads while storing {ROWS:,} responses: {line} (count, statuses, "
                  "slowest seconds)")  # fmt: skip
        finally:
            worker.kill()
            worker.wait(timeout=60)


if __name__ == "__main__":
    main()
