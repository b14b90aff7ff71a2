"""Load and scale-out: locust scenarios per role (bench/locustfile.py) against gunicorn
on SQLite, on PostgreSQL, and two app servers on one PostgreSQL with the job worker
running. Loopback only, bounded in users and time. Prints p50/p95/p99 and errors per
page at 50, 100 and 200 people (think time 3-8 s), and requests a second at saturation.
Each run's figures start once everyone has signed in (people arrive at one to five a
second, each signing in as they come), so they show people working, not signing in.

Figures only; nothing is asserted. SCRUTINY_LOAD_SECONDS sets each run's length
(default 60); SCRUTINY_LOAD_LEVELS the numbers of people (default 50,100,200).
"""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("SCRUTINY_LOAD_SECONDS", "60"))
LEVELS = [int(n) for n in os.environ.get("SCRUTINY_LOAD_LEVELS", "50,100,200").split(",")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _site_env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="scrutiny.web.settings",
        DATABASE_URL=database_url,
        SCRUTINY_DATA_DIR=str(data_dir),
        SCRUTINY_DEBUG="false",
        SCRUTINY_ALLOWED_HOSTS="127.0.0.1",
        SCRUTINY_LOG_LEVEL="ERROR",
        # Generous: the bench measures pages, not the per-token limit.
        SCRUTINY_API_RATE="100000/minute",
    )
    return env


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def _has_worker(env: dict[str, str]) -> bool:
    out = subprocess.run(
        [str(BIN / "python"), "manage.py", "help", "--commands"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "db_worker" in out.split()


def _locust(
    hosts: list[str], users: int, seconds: int, out: Path, think: tuple[float, float]
) -> Path:
    prefix = out / f"u{users}"
    rate = max(1, users // 40)
    arriving = -(-users // rate)  # seconds until everyone is in; not measured
    env = dict(os.environ)
    env.update(
        SCRUTINY_LOAD_CONFIG=str(out / "config.json"),
        SCRUTINY_LOAD_HOSTS=",".join(hosts),
        SCRUTINY_THINK_MIN=str(think[0]),
        SCRUTINY_THINK_MAX=str(think[1]),
    )
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            # Everyone signs in as they arrive, and a sign-in costs the password hash
            # (Argon2: about 0.18 s of CPU, on purpose): spread over the ramp so that
            # it is not a storm of sign-ins, and the figures (reset once everyone is
            # in) are of people working, not of a whole team signing in the same minute.
            "-r",
            str(rate),
            "--reset-stats",
            "-t",
            f"{arriving + seconds}s",
            "--host",
            hosts[0],
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        env=env,
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Path(f"{prefix}_stats.csv")


def _report(title: str, stats: Path) -> float:
    rows = list(csv.DictReader(stats.open()))
    print(f"\n{title}")
    print(f"{'page':<28} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    rps = 0.0
    for row in rows:
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "ALL"
        print(
            f"{name:<28} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
        if row["Name"] == "Aggregated":
            rps = float(row["Requests/s"])
    print(f"requests a second: {rps:.1f}")
    return rps


def _reset_postgres(url: str) -> None:
    """An empty database for each run (the same throwaway cluster serves both)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def run(label: str, database_url: str, servers: int, workers_each: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="scrutiny-load-"))
    if database_url:
        _reset_postgres(database_url)
    try:
        env = _site_env(tmp, database_url if database_url else f"sqlite:///{tmp / 'load.sqlite3'}")
        subprocess.run(
            [str(BIN / "python"), str(ROOT / "bench" / "load_site.py"), str(tmp / "config.json")],
            env=env,
            cwd=ROOT,
            check=True,
        )
        with ExitStack() as stack:
            hosts = []
            for n in range(servers):
                port = _free_port()
                stack.enter_context(
                    _process(
                        [
                            str(BIN / "gunicorn"),
                            "scrutiny.web.wsgi",
                            "-w",
                            str(workers_each),
                            "-b",
                            f"127.0.0.1:{port}",
                            "--timeout",
                            "60",
                        ],
                        env,
                        tmp / f"gunicorn-{n}.log",
                    )
                )
                _wait_for(port)
                hosts.append(f"http://127.0.0.1:{port}")
            worker = ""
            if _has_worker(env):
                stack.enter_context(
                    _process(
                        [str(BIN / "python"), "manage.py", "db_worker"], env, tmp / "worker.log"
                    )
                )
                worker = ", job worker running"
            print(
                f"\n== {label}: {servers} app server(s) x {workers_each} gunicorn workers{worker}"
            )
            for users in LEVELS:
                stats = _locust(hosts, users, SECONDS, tmp, (3, 8))
                _report(f"{users} people, think time 3-8 s, {SECONDS} s", stats)
            stats = _locust(hosts, 16, min(SECONDS, 30), tmp, (0, 0))
            _report("saturation: 16 people with no think time", stats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    if "--on-postgres" in sys.argv:
        url = os.environ["DATABASE_URL"]
        run("PostgreSQL", url, servers=1, workers_each=4)
        run("PostgreSQL, the scale-out path", url, servers=2, workers_each=2)
        return
    run("SQLite", "", servers=1, workers_each=4)
    if shutil.which("bash") and (ROOT / "scripts" / "with-postgres.sh").exists():
        subprocess.run(
            [
                "bash",
                str(ROOT / "scripts" / "with-postgres.sh"),
                str(BIN / "python"),
                str(Path(__file__).resolve()),
                "--on-postgres",
            ],
            cwd=ROOT,
            check=True,
            env={**os.environ, "SCRUTINY_PG_PORT": str(_free_port())},
        )


if __name__ == "__main__":
    main()
