"""Importing a 100,000-row survey export: time and peak memory, CSV and XLSX.

Generates a LimeSurvey-style CSV and a Microsoft Forms-style XLSX of the same
100,000 children's responses in a temporary directory, then imports each in a fresh
process (so one run's memory does not colour the next), reporting wall-clock and CPU
time (the machine may be shared: CPU time is the steadier figure), peak resident
memory, and the XLSX / CSV ratio (issue 12 asks for at most 3). The XLSX is read by
python-calamine after scrutiny.core.tabular has checked the package. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROWS = 100_000
SAFE = ("Yes", "Mostly", "No", "Not sure")
SOMETIMES = ("Yes", "Sometimes", "No", "Not sure")
TRUST = ("Yes", "No", "Don't know")
GROUPS = ("Foster care", "Kinship care", "Residential care", "Looked after at home", "")
COMMENTS = ("", "", "", "I like my school", "I want to see my mum more often", "Nothing")


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Survey:
    id: str
    title: str
    items: tuple[Item, ...]


SURVEY = Survey(
    "children_and_young_people",
    "Survey of children and young people",
    (
        Item("feel_safe", "Do you feel safe where you live?", ("yes", "mostly", "no", "not sure")),
        Item("listened_to", "Do the adults who help you listen to what you have to say?",
             ("yes", "sometimes", "no", "not sure")),
        Item("trusted_adult", "Is there an adult you trust to talk to if you are worried?",
             ("yes", "no", "not sure")),
        Item("anything_else", "Is there anything else you want to tell us?"),
    ),
)  # fmt: skip
QUESTIONS = [item.text for item in SURVEY.items]


def answers(rnd: random.Random) -> list[str]:
    return [rnd.choice(SAFE), rnd.choice(SOMETIMES), rnd.choice(TRUST), rnd.choice(COMMENTS)]


HEADER = ["ID", "Start time", "Completion time", "Email", "Name", "Care group", *QUESTIONS]


def rows() -> list[list[object]]:
    """Microsoft Forms' layout; the CSV and the XLSX hold exactly these rows."""
    rnd = random.Random(1)
    return [
        [
            n,
            "2/1/19 10:00:00",
            "2/1/19 10:04:00",
            "anonymous",
            "",
            rnd.choice(GROUPS),
            *answers(rnd),
        ]  # fmt: skip
        for n in range(1, ROWS + 1)
    ]


def write_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows())


def write_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Form1")
    ws.append(HEADER)
    for row in rows():
        ws.append(row)
    wb.save(path)


def child(path: str) -> None:
    """Runs in a fresh interpreter: import one file, print one line of figures."""
    from scrutiny.core.survey_import import import_survey

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    progress: list[tuple[int, int | None]] = []
    start, cpu = time.perf_counter(), time.process_time()
    result = import_survey(path, survey=SURVEY, on_progress=lambda d, t: progress.append((d, t)))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   {len(result.responses):,} responses ({result.layout}) in {seconds:.1f} s "
          f"= {len(result.responses) / seconds:,.0f} rows/s")  # fmt: skip
    print(f"   peak memory {peak:.0f} MB RSS, {peak - base:.0f} MB above the loaded interpreter "
          f"(the 100,000 responses themselves included)")  # fmt: skip
    print(f"   {len(progress)} progress reports, first {progress[0]}, last {progress[-1]}")
    print(f"FIGURES {seconds:.3f} {cpu:.3f} {peak:.0f}")


def main() -> None:
    figures: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, writer in (("same.csv", write_csv), ("same.xlsx", write_xlsx)):
            path = Path(tmp) / name
            start = time.perf_counter()
            writer(path)
            print(f"{name}: {ROWS:,} rows, {path.stat().st_size / 2**20:.1f} MB "
                  f"(written in {time.perf_counter() - start:.1f} s)")  # fmt: skip
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            for line in done.stdout.splitlines():
                if line.startswith("FIGURES "):
                    wall, cpu, peak = map(float, line.split()[1:])
                    figures[name] = (wall, cpu, peak)
                else:
                    print(line)
    (cw, cc, cp), (xw, xc, xp) = figures["same.csv"], figures["same.xlsx"]
    print(f"XLSX / CSV: {xw / cw:.2f}x wall-clock ({xw:.1f} s / {cw:.1f} s), "
          f"{xc / cc:.2f}x CPU ({xc:.1f} s / {cc:.1f} s); peak RSS {xp:.0f} MB / {cp:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
