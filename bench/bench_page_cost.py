"""Server cost of each page the load bench visits, measured as CPU time, not wall time.

Wall-clock figures mean little on a busy shared machine; the CPU a request takes in this
process (time.process_time) does not depend on what else runs. Builds the load site
(bench/load_site.py: a 100-record demo inspection, readers, leads, the partnership, an API
token) on a throwaway SQLite database with DEBUG off, signs in through the sign-in page
as each kind of person with Django's test client, and prints per page: the median and
90th percentile CPU milliseconds over N requests, the queries one request makes, and
the figures recorded before the speed work (bench/page_cost_before.json: main at
febeada, 30 requests a page, run at the same time as the figures after it so that both
met the same machine), for comparison. Then the top functions of cProfile for the costliest pages.

SCRUTINY_COST_REQUESTS sets N (default 20); SCRUTINY_COST_PROFILE how many pages to
profile (default 3); SCRUTINY_COST_PAGES a comma-separated choice of pages (default all). `--record` writes the figures as the new "before" file.
Figures only; nothing is asserted.
"""

import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "bench" / "page_cost_before.json"
REQUESTS = int(os.environ.get("SCRUTINY_COST_REQUESTS", "20"))
PROFILE = int(os.environ.get("SCRUTINY_COST_PROFILE", "3"))
ONLY = [p for p in os.environ.get("SCRUTINY_COST_PAGES", "").split(",") if p]
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def _site(tmp: Path) -> dict[str, Any]:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="scrutiny.web.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'cost.sqlite3'}",
        SCRUTINY_DATA_DIR=str(tmp),
        SCRUTINY_DEBUG="false",
        SCRUTINY_ALLOWED_HOSTS="testserver",
        SCRUTINY_LOG_LEVEL="ERROR",
        SCRUTINY_API_RATE="100000/minute",
    )
    sys.path.insert(0, str(ROOT / "bench"))
    import load_site

    load_site.main(tmp / "config.json")
    return dict(orjson.loads((tmp / "config.json").read_bytes()))


def _signed_in(config: dict[str, Any], username: str) -> Any:
    from django.test import Client

    client = Client()
    page = client.get(config["login"])
    token = _CSRF.search(page.content.decode())
    response = client.post(
        config["login"],
        {
            "username": username,
            "password": config["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in ({response.status_code})")
    return client


def _pages(config: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """Each page as a function making one request, as the locust scenarios do."""
    from django.test import Client

    reader = config["readers"][0]
    reading = _signed_in(config, reader["username"])
    lead = _signed_in(config, config["leads"][0])
    partner = _signed_in(config, config["partners"][0])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {config['token']}")
    state = {"version": "1"}

    def autosave() -> Any:
        response = reading.post(
            reader["form"],
            {
                "version": state["version"],
                "action": "autosave",
                config["rating_field"]: "3",
            },
        )
        if response.status_code == 200:
            state["version"] = str(response.json().get("version", state["version"]))
        return response

    def reading_form() -> Any:
        response = reading.get(reader["form"])
        found = _VERSION.search(response.content.decode())
        if found:
            state["version"] = found.group(1)
        return response

    comment_form = config["comment_forms"][0]
    pages: dict[str, Callable[[], Any]] = {
        "reading form": reading_form,
        "reading autosave": autosave,
        "my readings": lambda: reading.get(reader["list"]),
    }
    for name, path in config["lead_pages"].items():
        pages[name] = lambda path=path: lead.get(path)
    pages["shared draft"] = lambda: partner.get(config["shared_draft"])
    pages["comment form"] = lambda: partner.get(comment_form)
    pages["comment"] = lambda: partner.post(comment_form, {"text": "Please check this figure."})
    for name, path in config["api"].items():
        pages[f"api {name}"] = lambda path=path: api.get(path)
    return pages


def _measure(request: Callable[[], Any]) -> tuple[float, float, int, int]:
    """Median and 90th percentile CPU ms over REQUESTS requests, queries of one, status."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    # A wrapper, not CaptureQueriesContext: the connection is closed at the end of each
    # request (as in production on SQLite), which empties Django's own query log.
    with connection.execute_wrapper(count):
        response = request()  # also warms whatever a first request fills
    costs = []
    for _ in range(REQUESTS):
        start = time.process_time()
        request()
        costs.append((time.process_time() - start) * 1000)
    costs.sort()
    p90 = costs[min(len(costs) - 1, int(len(costs) * 0.9))]
    return statistics.median(costs), p90, len(queries), response.status_code


def _profile(name: str, request: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"src/scrutiny", 20)
    stats.sort_stats("tottime").print_stats(15)
    print(f"\n-- cProfile, 5 requests of {name}: our functions by cumulative time, then all")
    print("   functions by own time --")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="scrutiny-cost-"))
    try:
        config = _site(tmp)
        pages = _pages(config)
        before = orjson.loads(BEFORE.read_bytes()) if BEFORE.exists() else {}
        figures: dict[str, dict[str, float]] = {}
        print(f"\nCPU time per request, {REQUESTS} requests a page (SQLite, DEBUG off)")
        print(
            f"{'page':<20} {'status':>6} {'median ms':>9} {'p90 ms':>7} {'queries':>7}"
            f" {'before ms':>9} {'before q':>8}"
        )
        for name, request in pages.items():
            if ONLY and name not in ONLY:
                continue
            median, p90, queries, status = _measure(request)
            figures[name] = {"median_ms": round(median, 1), "queries": queries}
            was = before.get(name, {})
            print(
                f"{name:<20} {status:>6} {median:>9.1f} {p90:>7.1f} {queries:>7}"
                f" {was.get('median_ms', ''):>9} {was.get('queries', ''):>8}"
            )
        total = sum(f["median_ms"] for f in figures.values())
        was_total = sum(f.get("median_ms", 0) for f in before.values())
        print(f"{'sum of medians':<20} {'':>6} {total:>9.1f} {'':>7} {'':>7} {was_total:>9.1f}")
        if "--record" in sys.argv:
            BEFORE.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
        costliest = sorted(figures, key=lambda n: -figures[n]["median_ms"])[:PROFILE]
        for name in costliest:
            _profile(name, pages[name])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
