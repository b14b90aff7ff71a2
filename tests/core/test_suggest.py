"""Tag suggestions: ranked questions and indicators from descriptions and earlier tagging."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from scrutiny.core.methodology import load_programme
from scrutiny.core.suggest import (
    EmbeddingSuggester,
    LexicalSuggester,
    Suggester,
    TaggedNote,
    best_suggester,
    programme_targets,
    targets,
    tokens,
)

TARGETS = targets(
    questions=[
        (1, "Recognising and responding when children need protection: referrals, "
            "inter-agency referral discussions, immediate response"),
        (4, "Care experienced young people succeeding in their transition to adulthood: "
            "aftercare, continuing care, housing, college and employment"),
        (5, "Collaborative leadership: chief officers, vision, self-evaluation"),
    ],
    indicators=[
        ("5.2", "Assessing and responding to risks and needs: chronologies, risk assessments, "
                "the immediate response to child protection concerns"),
        ("7.2", "Staff training, development and support: multi-agency training, "
                "reflective supervision"),
        ("9.1", "Vision, values and aims shared by leaders and understood by staff"),
    ],
)  # fmt: skip


def ids(suggestions: Sequence) -> list[str]:
    return [s.id for s in suggestions]


def test_it_ranks_the_matching_question_and_indicator_first():
    suggester = LexicalSuggester(TARGETS)

    result = suggester.suggest(
        "Chronologies were thorough and risk assessments were updated after each referral."
    )

    assert ids(result.indicators)[0] == "5.2"
    assert ids(result.questions)[0] == "1"


def test_scores_are_ranked_and_the_limit_holds():
    result = LexicalSuggester(TARGETS).suggest("Supervision and training for staff", limit=2)

    assert len(result.questions) == 2 and len(result.indicators) == 2
    assert ids(result.indicators)[0] == "7.2"
    for ranked in (result.questions, result.indicators):
        assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert {s.kind for s in result.questions} == {"question"}


def test_the_teams_earlier_tagging_changes_the_suggestions():
    note = "The corporate parenting board met the champions group every quarter."
    plain = LexicalSuggester(TARGETS).suggest(note)
    team = [
        TaggedNote(
            "Corporate parenting board minutes show champions meeting quarterly.",
            questions=[4],
            indicators=["9.1"],
        ),  # fmt: skip
        TaggedNote("Chronologies were late.", questions=[1], indicators=["5.2"]),
    ]

    learned = LexicalSuggester(TARGETS, team).suggest(note)

    assert ids(plain.questions)[0] != "4"
    assert ids(learned.questions)[0] == "4"
    assert ids(learned.indicators)[0] == "9.1"


def test_a_note_sharing_no_words_scores_nothing():
    result = LexicalSuggester(TARGETS).suggest("Zebra quartz!")

    assert all(s.score == 0 for s in (*result.questions, *result.indicators))


def test_tokens_drop_stopwords_and_meet_word_forms_halfway():
    assert tokens("The plans were planned") == ["plan", "plan"]
    assert tokens("planning") == ["plan"]
    assert "the" not in tokens("The child")


def test_programme_targets_carry_full_descriptors():
    programme = load_programme("care-and-protection-2018")

    found = programme_targets(programme)

    assert sorted(t.id for t in found if t.kind == "question") == ["1", "2", "3", "4", "5"]
    indicator = next(t for t in found if t.kind == "indicator" and t.id == "2.1")
    assert "feel safe" in indicator.text  # the description, not only the title
    assert indicator.text.startswith("Impact on children and young people")


class WordHashEmbedder:
    """A small deterministic embedder for the protocol: each word adds to one of 64
    dimensions chosen by its hash. Counts its calls so caching can be checked."""

    def __init__(self, name: str = "word-hash-64") -> None:
        self.name = name
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        self.encoded.extend(texts)
        vectors = []
        for text in texts:
            v = [0.0] * 64
            for word in tokens(text):
                v[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            vectors.append([x / norm for x in v])
        return vectors


def test_the_embedding_suggester_ranks_by_embedding_similarity():
    suggester: Suggester = EmbeddingSuggester(TARGETS, embedder=WordHashEmbedder())

    result = suggester.suggest("Reflective supervision and multi-agency training for staff")

    assert ids(result.indicators)[0] == "7.2"


def test_the_embedding_suggester_learns_from_the_teams_tagging():
    note = "The corporate parenting board met the champions group every quarter."
    team = [
        TaggedNote(
            "Corporate parenting board minutes show champions meeting quarterly.",
            questions=[4],
            indicators=["9.1"],
        ),  # fmt: skip
        TaggedNote("Chronologies were late.", questions=[1], indicators=["5.2"]),
    ]

    result = EmbeddingSuggester(TARGETS, team, embedder=WordHashEmbedder()).suggest(note)

    assert ids(result.questions)[0] == "4"


def test_target_vectors_are_embedded_once_per_set_of_descriptions():
    embedder = WordHashEmbedder(name="word-hash-64 for the cache test")
    EmbeddingSuggester(TARGETS, embedder=embedder)
    first = len(embedder.encoded)

    EmbeddingSuggester(TARGETS, embedder=embedder).suggest("a note")
    changed = targets(questions=[(1, "something else entirely")], indicators=[])
    EmbeddingSuggester(changed, embedder=embedder)

    assert first == len(TARGETS)
    assert embedder.encoded[first:] == ["a note", "something else entirely"]


def test_the_best_available_suggester_suggests():
    programme = load_programme("care-and-protection-2018")

    result = best_suggester(programme_targets(programme)).suggest(
        "Care leavers said their throughcare worker helped them find a flat and a college place.",
        limit=3,
    )

    assert len(result.questions) == 3 and len(result.indicators) == 3
    assert "4" in ids(result.questions)


def test_the_teams_notes_are_embedded_once_across_suggesters():
    embedder = WordHashEmbedder(name="word-hash-64 for the note cache test")
    team = [TaggedNote("Chronologies were late.", questions=[1], indicators=["5.2"])]
    EmbeddingSuggester(TARGETS, team, embedder=embedder)
    before = len(embedder.encoded)

    more = [*team, TaggedNote("Supervision was regular.", questions=[5], indicators=["7.2"])]
    EmbeddingSuggester(TARGETS, more, embedder=embedder)

    assert embedder.encoded[before:] == ["Supervision was regular."]
