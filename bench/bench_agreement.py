"""How long the agreement figures take: 150 records x 25 items with 30 second readings
(an inspection's sample), and ten times that.

Per run: agreement per item and overall (kappa, AC2, tables, pairs), the moderation
queue, and the immediate-response limiter's margin under the second readings. Prints
the median of several runs; asserts nothing (speed is reported, never a test).
"""

from __future__ import annotations

import random
import statistics
import time

from scrutiny.core.agreement import (
    ModerationThresholds,
    RatingPair,
    agreement_report,
    flag_for_moderation,
)
from scrutiny.core.sensitivity import limiter_under_second_readings

ITEMS = ["immediate_response", *(f"item_{n:02d}" for n in range(1, 25))]
REPEATS = 15


def synthetic(records: int, second_readings: int, seed: int = 1) -> list[RatingPair]:
    """Pairs for the re-read records: mostly "good", second readers within a point."""
    rng = random.Random(seed)
    pairs = []
    for r in rng.sample(range(records), second_readings):
        for item in ITEMS:
            if rng.random() < 0.08:
                first = second = None  # not applicable to this record
            else:
                first = rng.choices([1, 2, 3, 4, 5, 6], weights=[3, 8, 20, 40, 22, 7])[0]
                second = min(6, max(1, first + rng.choice([-1, 0, 0, 0, 1])))
            pairs.append(RatingPair(f"R-{r:05d}", item, first, second))
    return pairs


def run(records: int, pairs: list[RatingPair]) -> None:
    report = agreement_report(pairs, items=ITEMS)
    flag_for_moderation(report.by_item, thresholds=ModerationThresholds())
    immediate = [p for p in pairs if p.item == "immediate_response"]
    used = {f"R-{r:05d}": 4 for r in range(records)}
    used.update({p.record: p.first for p in immediate})
    limiter_under_second_readings(
        used=used, second={p.record: p.second for p in immediate}, at_or_below=2, threshold=0.2
    )


def main() -> None:
    print(f"{'records':>8} {'items':>6} {'re-read':>8} {'pairs':>7} {'median ms':>10}")
    for records, second_readings in ((150, 30), (1500, 300)):
        pairs = synthetic(records, second_readings)
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            run(records, pairs)
            times.append(time.perf_counter() - start)
        median_ms = statistics.median(times) * 1000
        print(
            f"{records:>8} {len(ITEMS):>6} {second_readings:>8} {len(pairs):>7} {median_ms:>10.1f}"
        )


if __name__ == "__main__":
    main()
