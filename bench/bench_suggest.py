"""Precision of tag suggestions on held-out synthetic evidence notes, and their speed.

Two held-out sets, neither ever learned from:

* the demo inspection (``scrutiny.core.demo.make_demo``): its 24 notes split by position,
  every third note held out (8) and the other 16 standing for the team's earlier
  tagging;
* ``tests/core/data/evidence_notes.json``: 36 held-out notes and 24 'team' notes,
  written and tagged by hand for this purpose.

For each suggester (lexical; all-MiniLM-L6-v2 in numpy), with and without the team's
examples, it prints precision@1 (the top suggestion is one of the note's tags),
precision@3 (share of the top 3 that are right) and hit@3 (at least one right in the
top 3), for questions and for indicators; then the model's load time and the time per
note. No assertions: figures only.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from scrutiny.core import suggest
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.suggest import (
    EmbeddingSuggester,
    LexicalSuggester,
    Suggester,
    SuggestUnavailable,
    TaggedNote,
    Target,
    minilm_embedder,
    programme_targets,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "core" / "data" / "evidence_notes.json"


def demo_split() -> tuple[list[TaggedNote], list[TaggedNote]]:
    notes = [
        TaggedNote(e["text"], tuple(e["questions"]), tuple(e["indicators"]))
        for e in make_demo(seed=1)["evidence"]
    ]
    held_out = [n for i, n in enumerate(notes) if i % 3 == 2]
    team = [n for i, n in enumerate(notes) if i % 3 != 2]
    return team, held_out


def file_split() -> tuple[list[TaggedNote], list[TaggedNote]]:
    notes = json.loads(DATA.read_text(encoding="utf-8"))["notes"]
    as_tagged = [
        (n["split"], TaggedNote(n["text"], tuple(n["questions"]), tuple(n["indicators"])))
        for n in notes
    ]
    return [t for s, t in as_tagged if s == "team"], [t for s, t in as_tagged if s == "held_out"]


def score(suggester: Suggester, held_out: list[TaggedNote]) -> dict[str, float]:
    figures: dict[str, float] = {}
    for kind in ("questions", "indicators"):
        scored = [n for n in held_out if getattr(n, kind)]  # a note with no such tag is skipped
        p1 = p3 = hit3 = 0.0
        for note in scored:
            truth = {str(x) for x in getattr(note, kind)}
            ranked = [s.id for s in getattr(suggester.suggest(note.text, limit=3), kind)]
            p1 += ranked[0] in truth
            p3 += len(set(ranked[:3]) & truth) / 3
            hit3 += bool(set(ranked[:3]) & truth)
        n = len(scored) or 1
        figures |= {
            f"{kind[0]} P@1": p1 / n,
            f"{kind[0]} P@3": p3 / n,
            f"{kind[0]} hit@3": hit3 / n,
        }
    return figures


def report(name: str, suggester: Suggester, held_out: list[TaggedNote]) -> None:
    figures = score(suggester, held_out)
    cells = "  ".join(f"{k} {v:.2f}" for k, v in figures.items())
    print(f"  {name:<30} {cells}")


def per_note_ms(suggester: Suggester, texts: list[str], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            suggester.suggest(text)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    programme = load_programme("care-and-protection-2018")
    target_list: list[Target] = programme_targets(programme)
    sets = {"demo inspection": demo_split(), "evidence_notes.json": file_split()}
    start = time.perf_counter()
    try:
        embedder = minilm_embedder()
        loaded = time.perf_counter() - start
        first = time.perf_counter()
        embedder.encode(["warm up"])
        print(
            f"all-MiniLM-L6-v2 (numpy) loaded and checked in {loaded:.2f} s; "
            f"first note {1000 * (time.perf_counter() - first):.0f} ms"
        )
    except SuggestUnavailable as exc:
        embedder = None
        print(f"embedding suggester not measured: {exc}")
    print("P@1: the top suggestion is right; P@3: share of the top 3 right; hit@3: any of 3 right")
    for name, (team, held_out) in sets.items():
        print(f"{name}: {len(held_out)} held-out notes, {len(team)} earlier-tagged notes")
        report("lexical, descriptions only", LexicalSuggester(target_list), held_out)
        report("lexical, with team's tagging", LexicalSuggester(target_list, team), held_out)
        if embedder is None:
            continue
        report(
            "embedding, descriptions only",
            EmbeddingSuggester(target_list, embedder=embedder),
            held_out,
        )
        report(
            "embedding, with team's tagging",
            EmbeddingSuggester(target_list, team, embedder=embedder),
            held_out,
        )
    team, held_out = sets["evidence_notes.json"]
    texts = [n.text for n in held_out]
    print("time per note (median, suggester already built):")
    print(f"  lexical    {per_note_ms(LexicalSuggester(target_list, team), texts):.2f} ms")
    if embedder is not None:
        # Cold: the targets' and the team's vectors are computed once per process, then
        # reused by every suggester built for a request.
        suggest._TARGET_VECTORS.clear()
        suggest._NOTE_VECTORS.clear()
        start = time.perf_counter()
        EmbeddingSuggester(target_list, team, embedder=embedder)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        suggester = EmbeddingSuggester(target_list, team, embedder=embedder)
        warm = time.perf_counter() - start
        print(f"  embedding  {per_note_ms(suggester, texts):.2f} ms")
        print(f"building the embedding suggester: {cold * 1000:.0f} ms the first time in a "
              f"process ({len(target_list)} targets, {len(team)} notes), {warm * 1000:.1f} ms after")  # fmt: skip


if __name__ == "__main__":
    main()
