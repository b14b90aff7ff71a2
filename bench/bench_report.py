"""How long the demo inspection's report takes to render: the PDF goal is under 5 s.

Each render runs in a fresh process (cold: fonts, matplotlib and WeasyPrint loaded
as a command-line user would pay for them), then once more in the same process
(warm: as the web app renders after its first request). Prints figures; asserts
nothing (speed is reported, never a test).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.report import build_report, render_report
from scrutiny.core.report_charts import chart_svg

REPEATS = 3
COLD = r"""
import sys, time
start = time.perf_counter()
from scrutiny.core.bundle import parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.report import build_report, render_report
bundle = parse_bundle(make_demo(seed=int(sys.argv[2])))
report = build_report(bundle, load_programme(bundle.programme))
pdf = render_report(report, "pdf", version=sys.argv[1])
print(time.perf_counter() - start, len(pdf))
"""


def cold(version: str, seed: int = 1) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", COLD, version, str(seed)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    print(f"demo inspection (100 records, 370 survey returns), best and median of {REPEATS}")
    for version in ("public", "internal", "young-people"):
        runs = [cold(version) for _ in range(REPEATS)]
        times = [t for t, _ in runs]
        print(
            f"  PDF {version:<13} cold process: best {min(times):5.2f} s, "
            f"median {statistics.median(times):5.2f} s, {runs[0][1] / 1024:5.0f} KiB"
        )
    # Scenario 2 (seed 2) has the most text: the full published report, 25 pages or more.
    runs = [cold("public", seed=2) for _ in range(REPEATS)]
    times = [t for t, _ in runs]
    print(
        f"  PDF public, scenario 2 cold process: best {min(times):5.2f} s, "
        f"median {statistics.median(times):5.2f} s, {runs[0][1] / 1024:5.0f} KiB"
    )
    bundle = parse_bundle(make_demo())
    report = build_report(bundle, load_programme(bundle.programme))
    times = []
    for _ in range(REPEATS):
        chart_svg.cache_clear()
        start = time.perf_counter()
        render_report(report, "html")
        times.append(time.perf_counter() - start)
    print(f"  html public, drawing its {len(report.charts)} charts: best {min(times):5.2f} s")
    render_report(report, "pdf")  # warm the caches: fonts, matplotlib, charts
    for fmt in ("html", "pdf", "docx"):
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            render_report(report, fmt)
            times.append(time.perf_counter() - start)
        print(f"  {fmt:<4} public, warm (charts cached): best {min(times):5.2f} s")
    print("  goal: demo PDF under 5 s")


if __name__ == "__main__":
    main()
