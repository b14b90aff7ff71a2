"""Precision of tag suggestions on held-out synthetic evidence notes.

The team's earlier tagging is the notes marked 'team' in tests/core/data/
evidence_notes.json; the 'held_out' notes are suggested for and scored, never
learned from. Prints, for each suggester, with and without the team's examples:
precision@1, precision@3 (share of the top 3 that are right) and hit@3 (share of
notes with at least one right answer in the top 3). No assertions.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from scrutiny.core.methodology import load_programme
from scrutiny.core.suggest import (
    EmbeddingSuggester,
    LexicalSuggester,
    Suggester,
    SuggestUnavailable,
    TaggedNote,
    minilm_embedder,
    programme_targets,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "core" / "data" / "evidence_notes.json"


def load_notes() -> tuple[list[TaggedNote], list[TaggedNote]]:
    notes = json.loads(DATA.read_text(encoding="utf-8"))["notes"]
    as_tagged = [
        (n["split"], TaggedNote(n["text"], tuple(n["questions"]), tuple(n["indicators"])))
        for n in notes
    ]
    return [t for s, t in as_tagged if s == "team"], [t for s, t in as_tagged if s == "held_out"]


def score(suggester: Suggester, held_out: list[TaggedNote]) -> dict[str, float]:
    figures: dict[str, float] = {}
    for kind in ("questions", "indicators"):
        p1 = p3 = hit3 = 0.0
        for note in held_out:
            truth = {str(x) for x in getattr(note, kind)}
            ranked = [s.id for s in getattr(suggester.suggest(note.text, limit=3), kind)]
            p1 += ranked[0] in truth
            p3 += len(set(ranked[:3]) & truth) / 3
            hit3 += bool(set(ranked[:3]) & truth)
        n = len(held_out)
        figures |= {f"{kind} P@1": p1 / n, f"{kind} P@3": p3 / n, f"{kind} hit@3": hit3 / n}
    return figures


def report(name: str, suggester: Suggester, held_out: list[TaggedNote]) -> None:
    start = time.perf_counter()
    figures = score(suggester, held_out)
    per_note = (time.perf_counter() - start) / len(held_out) * 1000
    cells = "  ".join(f"{k} {v:.2f}" for k, v in figures.items())
    print(f"{name:<34} {cells}  ({per_note:.1f} ms/note)")


def main() -> None:
    programme = load_programme("care-and-protection-2018")
    target_list = programme_targets(programme)
    team, held_out = load_notes()
    print(
        f"{len(held_out)} held-out notes; {len(team)} earlier-tagged notes; "
        f"{sum(t.kind == 'indicator' for t in target_list)} indicators, 5 questions"
    )
    report("lexical, descriptions only", LexicalSuggester(target_list), held_out)
    report("lexical, with team's tagging", LexicalSuggester(target_list, team), held_out)
    try:
        start = time.perf_counter()
        embedder = minilm_embedder()
        embedder.encode(["warm up"])  # the first call pays one-off set-up costs
        print(f"all-MiniLM-L6-v2 loaded in {time.perf_counter() - start:.1f} s")
    except SuggestUnavailable as exc:
        print(f"embedding suggester not measured: {exc}")
        return
    report("embedding, descriptions only", EmbeddingSuggester(target_list, embedder=embedder),
           held_out)  # fmt: skip
    report("embedding, with team's tagging",
           EmbeddingSuggester(target_list, team, embedder=embedder), held_out)  # fmt: skip


if __name__ == "__main__":
    main()
