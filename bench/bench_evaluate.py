"""How `evaluate` scales: 1k to 1M readings, against the floor of merely parsing the JSON.

Each measurement runs in a fresh process, so peak memory (max RSS) is its own. Prints
figures; asserts nothing (speed is reported, never a test).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.demo import make_demo

SIZES = [1_000, 10_000, 100_000, 1_000_000]
REPEATS = {1_000: 5, 10_000: 5, 100_000: 3, 1_000_000: 1}

CHILD = r"""
import resource, sys, time
path, mode = sys.argv[1], sys.argv[2]
import orjson
from scrutiny.core.bundle import parse_bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
load_programme("care-and-protection-2018")
data = open(path, "rb").read()
start = time.perf_counter()
if mode == "floor":
    orjson.loads(data)
else:
    bundle = parse_bundle(data)
    evaluate(bundle, load_programme(bundle.programme))
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def synthetic(readings: int) -> bytes:
    """A bundle with `readings` readings: the demo's readings repeated under new record ids."""
    demo = make_demo(seed=1, records=1000)
    template = demo["record_readings"]
    out = []
    while len(out) < readings:
        batch = len(out) // len(template)
        for reading in template:
            copied = copy.copy(reading)
            copied["record"] = f"{reading['record']}-{batch}"
            out.append(copied)
            if len(out) == readings:
                break
    demo["record_readings"] = out
    return dump_bundle(demo)


def measure(path: Path, mode: str, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), mode],
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed, rss = result.stdout.split()
        runs.append((float(elapsed), float(rss)))
    runs.sort()
    return runs[len(runs) // 2]


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "").split(",") if s] or SIZES
    print(
        f"{'readings':>10} {'MB':>7} {'floor s':>8} {'evaluate s':>10} {'ratio':>6} "
        f"{'floor MiB':>9} {'eval MiB':>9}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bundle-{n}.json"
            path.write_bytes(synthetic(n))
            floor_s, floor_mb = measure(path, "floor", REPEATS.get(n, 1))
            eval_s, eval_mb = measure(path, "evaluate", REPEATS.get(n, 1))
            size = path.stat().st_size / 1e6
            rows.append(
                {
                    "readings": n,
                    "file_mb": size,
                    "floor_s": floor_s,
                    "evaluate_s": eval_s,
                    "ratio": eval_s / floor_s,
                    "floor_peak_mib": floor_mb,
                    "evaluate_peak_mib": eval_mb,
                }
            )
            print(
                f"{n:>10} {size:>7.1f} {floor_s:>8.3f} {eval_s:>10.3f} {eval_s / floor_s:>6.2f} "
                f"{floor_mb:>9.0f} {eval_mb:>9.0f}",
                flush=True,
            )
    per_reading = [r["evaluate_s"] / r["readings"] * 1e6 for r in rows]
    print("microseconds per reading:", ", ".join(f"{p:.2f}" for p in per_reading))
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
