"""Our WordPiece tokenizer on a small vocabulary of our own (no extra packages needed)."""

from __future__ import annotations

import json

import pytest

from review.engine.embeddings import VOCABULARY_FILE, EngineUnavailable, locate, verified
from review.engine.wordpiece import WordPieceTokenizer, normalize, pre_tokenize

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "where",
    "is",
    "my",
    "card",
    "un",
    "##aff",
    "##able",
    "cafe",
    "?",
    "!",
    "$",
    "5",
    "strasse",
    "straße",
    "日",
    "本",
    "##s",
]


@pytest.fixture
def tokenizer() -> WordPieceTokenizer:
    return WordPieceTokenizer({token: i for i, token in enumerate(VOCAB)}, max_length=8)


def test_normalize_lowercases_strips_accents_and_drops_control_characters() -> None:
    assert normalize("Café NAÏVE") == "cafe naive"
    assert normalize("a\u200bb\x00c\ufffdd") == "abcd"  # zero-width space is a format char
    assert normalize("a\tb\nc\u00a0d\u3000e") == "a b c d e"
    assert normalize("日本") == " 日  本 "
    assert normalize("ß") == "ß"  # no decomposition, kept


def test_pre_tokenize_splits_white_space_and_every_punctuation_character() -> None:
    assert pre_tokenize("where's my $5?!") == ["where", "'", "s", "my", "$", "5", "?", "!"]
    assert pre_tokenize("  ") == []


def test_encode_is_greedy_longest_match_first(tokenizer: WordPieceTokenizer) -> None:
    assert tokenizer.tokens("Unaffable") == ["[CLS]", "un", "##aff", "##able", "[SEP]"]
    assert tokenizer.tokens("Where is my card?") == [
        "[CLS]",
        "where",
        "is",
        "my",
        "card",
        "?",
        "[SEP]",
    ]
    assert tokenizer.tokens("cards") == ["[CLS]", "card", "##s", "[SEP]"]


def test_a_word_without_a_split_is_one_unknown(tokenizer: WordPieceTokenizer) -> None:
    assert tokenizer.tokens("unknownword café") == ["[CLS]", "[UNK]", "cafe", "[SEP]"]
    assert tokenizer.tokens("my" * 60) == ["[CLS]", "[UNK]", "[SEP]"]  # > 100 characters


def test_encode_truncates_to_max_length(tokenizer: WordPieceTokenizer) -> None:
    ids = tokenizer.encode("my " * 50)
    assert len(ids) == 8
    assert ids[0] == tokenizer.cls_id and ids[-1] == tokenizer.sep_id
    assert tokenizer.encode("") == [tokenizer.cls_id, tokenizer.sep_id]


def test_vocabulary_files_load(tmp_path) -> None:
    (tmp_path / "vocab.txt").write_text("\n".join(VOCAB), encoding="utf-8")
    from_txt = WordPieceTokenizer.from_file(tmp_path / "vocab.txt")
    tokenizer_json = {"model": {"type": "WordPiece", "vocab": {t: i for i, t in enumerate(VOCAB)}}}
    (tmp_path / "tokenizer.json").write_text(json.dumps(tokenizer_json), encoding="utf-8")
    from_json = WordPieceTokenizer.from_file(tmp_path / "tokenizer.json")
    assert from_txt.encode("where is my card") == from_json.encode("where is my card")
    with pytest.raises(ValueError, match="special tokens"):
        WordPieceTokenizer({"a": 0})


def test_the_real_vocabulary_matches_bert_uncased_when_installed() -> None:
    try:
        path = verified(locate(VOCABULARY_FILE), VOCABULARY_FILE)
    except EngineUnavailable as error:
        pytest.skip(f"the hybrid engine's vocabulary is not installed ({error})")
    tokenizer = WordPieceTokenizer.from_file(path)
    assert len(tokenizer.vocab) == 30522
    # Ids as Hugging Face's tokenizer gives them for bert-base-uncased's vocabulary.
    assert tokenizer.encode("Where is my card?") == [101, 2073, 2003, 2026, 4003, 1029, 102]
    assert tokenizer.tokens("unaffable") == ["[CLS]", "una", "##ffa", "##ble", "[SEP]"]
