"""WordPiece: a vocabulary of word-initial tokens and ``##`` continuations, segmented greedily.

Encoding (BERT's MaxMatch, as published and as HF ``tokenizers`` does it): each pre-token is
taken from the left, the longest vocabulary token matching at each point, ``##``-prefixed after
the first. A word that cannot be covered that way, or longer than ``max_input_chars_per_word``
characters, becomes the single unknown token ``[UNK]`` (the whole word, not one character).

>>> m = WordPieceModel(["[UNK]", "un", "##aff", "##able", "a"])
>>> m.encode_pieces([b"unaffable", b"a", b"xyz"])
[1, 2, 3, 4, 0]
>>> WordPieceDecoder().decode([b"un", b"##aff", b"##able", b"a"]).decode()
'unaffable a'
"""

from __future__ import annotations

from typing import Any, Sequence

from ...normalizers import bert as _bert_normalizer  # noqa: F401  (registers BERT's stages for loading)
from ...pre_tokenizers import bert as _bert_pre_tokenizer  # noqa: F401
from ...components import Model, register
from ...decoders.common import ChainDecoder
from ...errors import OptionError
from ...segmenters.methods import longest_prefix
from ...segmenters.pieces import compiled_segmenter, segment_piece, segment_pieces
from ...segmenters.vocabulary import SegmentVocabulary

# BERT's special tokens, in the order HF's BertWordPieceTokenizer declares them.
BERT_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@register
class WordPieceModel(Model):
    kind = "wordpiece"

    def __init__(self, tokens: Sequence[str], unk_token: str = "[UNK]", prefix: str = "##",
                 max_input_chars_per_word: int = 100):
        self.tokens = list(tokens)
        self.unk_token, self.prefix = unk_token, prefix
        self.max_input_chars_per_word = int(max_input_chars_per_word)
        self.token_id = {}
        for i, t in enumerate(self.tokens):
            if not isinstance(t, str) or not t:
                raise OptionError(f"WordPiece token {i} is {t!r}; tokens are non-empty strings")
            if t in self.token_id:
                raise OptionError(f"WordPiece token {t!r} appears twice (ids {self.token_id[t]} and {i})")
            self.token_id[t] = i
        if unk_token not in self.token_id:
            raise OptionError(f"the WordPiece vocabulary lacks its unknown token {unk_token!r}")
        if not prefix:
            raise OptionError("the WordPiece continuation prefix must not be empty")
        self._bytes = [t.encode("utf-8") for t in self.tokens]
        self._vocab = self._segment_vocabulary()
        self._kernel = None  # the compiled tables, built on first use

    def _segment_vocabulary(self) -> SegmentVocabulary:
        start, cont = {}, {}
        n = len(self.prefix)
        for t, i in self.token_id.items():
            if t.startswith(self.prefix) and len(t) > n:
                cont[t[n:].encode("utf-8")] = i
            else:
                start[t.encode("utf-8")] = i
        return SegmentVocabulary(start, cont, unk_id=self.token_id[self.unk_token],
                                 max_piece_chars=self.max_input_chars_per_word)

    def segment_vocabulary(self) -> SegmentVocabulary:
        return self._vocab

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        if self._kernel is None:
            self._kernel = compiled_segmenter(self._vocab) or False
        if self._kernel:
            return segment_pieces(pieces, self._vocab, "longest_prefix", self._kernel)
        vocab, start, limit = self._vocab, self._vocab.start, self.max_input_chars_per_word
        out: list[int] = []
        for piece in pieces:
            # Most words are one token: one lookup (a word within the limit in bytes is within
            # it in characters).
            whole = start.get(piece) if len(piece) <= limit else None
            if whole is not None:
                out.append(whole)
            else:
                out += segment_piece(piece, vocab, longest_prefix)
        return out

    def token_bytes(self) -> list[bytes]:
        return self._bytes

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "tokens": self.tokens, "unk_token": self.unk_token,
                "prefix": self.prefix, "max_input_chars_per_word": self.max_input_chars_per_word}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["tokens"], data.get("unk_token", "[UNK]"), data.get("prefix", "##"),
                   data.get("max_input_chars_per_word", 100))


# HF's WordPiece decoder cleanup: English detokenization of spaces before punctuation, applied
# to each token (with the space put before it) in this order.
_CLEANUP = [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
            (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]


def cleanup(text: str) -> str:
    """HF's ``wordpiece::cleanup`` (also used by its CTC decoder)."""
    for old, new in _CLEANUP:
        text = text.replace(old, new)
    return text


@register
class WordPieceDecoder(ChainDecoder):
    """HF's WordPiece decoder: tokens after the first get a space before them, unless they
    start with ``prefix``, which is removed instead.

    ``cleanup`` then rewrites each token as HF does (``" ."`` -> ``"."``, ``" 's"`` -> ``"'s"``,
    ...): per token, so ``" do"`` ``" not"`` stays apart while the one token ``"do not"`` would
    not. The text of a word-split input is then not always recovered exactly.
    """

    kind = "wordpiece"

    def __init__(self, prefix: str = "##", cleanup: bool = False):
        if not isinstance(prefix, str):  # checked here: decode is the first use
            raise OptionError(f"the WordPiece decoder's prefix must be a string, not {prefix!r}")
        self.prefix, self.cleanup = prefix, bool(cleanup)

    def decode_chain(self, tokens: list[str]) -> list[str]:
        prefix, out = self.prefix, []
        for i, token in enumerate(tokens):
            if i:
                token = token.replace(prefix, "", 1) if token.startswith(prefix) else " " + token
            out.append(cleanup(token) if self.cleanup else token)
        return out

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "WordPiece", "prefix": self.prefix, "cleanup": self.cleanup}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "prefix": self.prefix, "cleanup": self.cleanup}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("prefix", "##"), data.get("cleanup", False))


def wordpiece_tokenizer(tokens: Sequence[str], *, lowercase: bool | None = None,
                        strip_accents: bool | None = None, clean_text: bool = True,
                        handle_chinese_chars: bool = True, unk_token: str = "[UNK]",
                        prefix: str = "##", max_input_chars_per_word: int = 100,
                        name: str | None = None):
    """A BERT tokenizer (BERT normalizer and pre-tokenizer, WordPiece) over ``tokens``.

    ``lowercase=None`` guesses from the vocabulary: lowercase unless some token has an
    uppercase letter (cased BERT vocabularies have thousands, uncased ones none).
    Special tokens are BERT's five where the vocabulary has them; with ``[CLS]`` and ``[SEP]``,
    ``add_special_tokens=True`` adds them as HF's ``BertWordPieceTokenizer`` does
    (``[CLS] A [SEP] B [SEP]``, type ids 0 then 1).
    """
    from ...normalizers.bert import BertNormalizer
    from ...pre_tokenizers.bert import BertPreTokenizer
    from ...post_processors.hf import BertProcessing
    from ...tokenizer import Tokenizer

    model = WordPieceModel(tokens, unk_token, prefix, max_input_chars_per_word)
    if lowercase is None:
        lowercase = not any(t != t.lower() for t in model.tokens if t not in BERT_SPECIALS)
    specials = {t: model.token_id[t] for t in BERT_SPECIALS if t in model.token_id}
    template = (BertProcessing(("[SEP]", specials["[SEP]"]), ("[CLS]", specials["[CLS]"]))
                if "[CLS]" in specials and "[SEP]" in specials else None)
    return Tokenizer(model, BertPreTokenizer(),
                     normalizer=BertNormalizer(clean_text, handle_chinese_chars, strip_accents, lowercase),
                     decoder=WordPieceDecoder(prefix, cleanup=True), special_tokens=specials, name=name,
                     post_processor=template)
