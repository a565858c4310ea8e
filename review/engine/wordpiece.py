"""A small BERT WordPiece tokenizer (uncased), so the hybrid engine needs no `tokenizers`.

It reproduces what Hugging Face's `BertNormalizer` + `BertPreTokenizer` + `WordPiece` +
`[CLS] … [SEP]` template do for an uncased BERT vocabulary such as all-MiniLM-L6-v2's: drop
control characters, map white space to spaces, put spaces around CJK ideographs, strip accents
(NFD, then drop non-spacing marks), lowercase, split on white space and punctuation, then split
each word greedily into the longest pieces found in the vocabulary ("##" marks a continuation).
The vocabulary is read from a `tokenizer.json` (or a `vocab.txt`) that a registry package
ships; nothing is downloaded.
"""

from __future__ import annotations

import json
import string
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

CLS, SEP, PAD, UNK = "[CLS]", "[SEP]", "[PAD]", "[UNK]"
CONTINUATION = "##"
MAX_CHARS_PER_WORD = 100
_ASCII_PUNCTUATION = frozenset(string.punctuation)
# The CJK Unified Ideograph blocks BERT treats as one-character words (not Hangul or kana).
_CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def _is_control(char: str) -> bool:
    # Tab, newline and carriage return count as white space, not as control characters.
    return char not in "\t\n\r" and unicodedata.category(char).startswith("C")


def _is_punctuation(char: str) -> bool:
    # ASCII symbols such as $, + and ^ are not Unicode punctuation, but BERT splits them too.
    return char in _ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def normalize(text: str) -> str:
    """Return `text` as BertNormalizer(lowercase=True, strip_accents=None) leaves it."""
    chars = []
    for char in text:
        if char in ("\x00", "\ufffd") or _is_control(char):
            continue
        if _is_whitespace(char):
            chars.append(" ")
        elif _is_cjk(char):
            chars.extend((" ", char, " "))
        else:
            chars.append(char)
    decomposed = unicodedata.normalize("NFD", "".join(chars))
    # Lowercase character by character, as the reference does (no final-sigma context).
    return "".join(c.lower() for c in decomposed if unicodedata.category(c) != "Mn")


def pre_tokenize(normalized: str) -> list[str]:
    """Split on white space and make every punctuation character a word of its own."""
    words: list[str] = []
    current: list[str] = []
    for char in normalized:
        if char.isspace() or _is_punctuation(char):
            if current:
                words.append("".join(current))
                current = []
            if not char.isspace():
                words.append(char)
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


class WordPieceTokenizer:
    """Turn text into BERT input ids: `encode(text)` -> [CLS] pieces… [SEP]."""

    def __init__(self, vocab: Mapping[str, int], *, max_length: int = 256) -> None:
        missing = [token for token in (CLS, SEP, PAD, UNK) if token not in vocab]
        if missing:
            raise ValueError(f"vocabulary lacks the special tokens {missing}")
        if max_length < 3:
            raise ValueError(f"max_length must be at least 3, got {max_length}")
        self.vocab = dict(vocab)
        self.max_length = max_length
        self.cls_id, self.sep_id = self.vocab[CLS], self.vocab[SEP]
        self.pad_id, self.unk_id = self.vocab[PAD], self.vocab[UNK]
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_file(cls, path: str | Path, *, max_length: int = 256) -> WordPieceTokenizer:
        """Read the vocabulary of a `tokenizer.json` (WordPiece model) or a `vocab.txt`."""
        path = Path(path)
        if path.suffix == ".json":
            model = json.loads(path.read_text(encoding="utf-8"))["model"]
            if model.get("type") != "WordPiece":
                raise ValueError(f"{path}: not a WordPiece tokenizer ({model.get('type')!r})")
            return cls(model["vocab"], max_length=max_length)
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls({token: index for index, token in enumerate(lines)}, max_length=max_length)

    def word_ids(self, word: str) -> list[int]:
        """Greedy longest-match-first pieces of one word; a word with no split is [UNK]."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        ids = [self.unk_id] if len(word) > MAX_CHARS_PER_WORD else self._split(word)
        if len(self._cache) < 100_000:
            self._cache[word] = ids
        return ids

    def _split(self, word: str) -> list[int]:
        ids: list[int] = []
        start = 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else CONTINUATION + word[start:end]
                piece_id = self.vocab.get(piece)
                if piece_id is not None:
                    ids.append(piece_id)
                    start = end
                    break
            else:
                return [self.unk_id]
        return ids

    def tokenize_ids(self, text: str) -> list[int]:
        """Piece ids of `text` without the special tokens and without truncation."""
        ids: list[int] = []
        for word in pre_tokenize(normalize(text)):
            ids.extend(self.word_ids(word))
        return ids

    def encode(self, text: str) -> list[int]:
        """[CLS] + pieces (truncated to max_length - 2) + [SEP]."""
        pieces = self.tokenize_ids(text)[: self.max_length - 2]
        return [self.cls_id, *pieces, self.sep_id]

    def tokens(self, text: str) -> list[str]:
        """The pieces of `encode(text)` as strings, for tests and debugging."""
        by_id = {index: token for token, index in self.vocab.items()}
        return [by_id[index] for index in self.encode(text)]

    def encode_batch(self, texts: Iterable[str]) -> list[list[int]]:
        return [self.encode(text) for text in texts]
