"""The compiled segmentation kernel (``_core._segment``) against the readable methods of
``segmenters/methods.py``: random small vocabularies and real ones on NTREX-128 text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import tokensmith
from tokensmith.errors import InputError
from tokensmith.formats.wordpiece_vocab import load_vocab_txt
from tokensmith.segmenters import SegmentVocabulary
from tokensmith.segmenters.methods import METHODS
from tokensmith.segmenters.pieces import compiled_segmenter, segment_pieces

_segment = pytest.importorskip("tokensmith._core._segment")

# Bytes of a two-byte character among ASCII letters: the word limit counts characters.
alphabet = st.sampled_from([b"a", b"b", b"c", b"\xc3", b"\xa9"])
words = st.lists(alphabet, min_size=1, max_size=4).map(b"".join)


@st.composite
def cases(draw):
    # With every single byte in the tables most pieces are covered (ties between segmentations),
    # without them many are not (unknowns and errors).
    singles = {b"a", b"b", b"c", b"\xc3", b"\xa9"} if draw(st.booleans()) else set()
    start = sorted(singles | set(draw(st.lists(words, max_size=12))))
    shared = draw(st.booleans())
    cont = start if shared else sorted(singles | set(draw(st.lists(words, max_size=12))))
    start_table = {t: i for i, t in enumerate(start)}
    cont_table = start_table if shared else {t: len(start) + i for i, t in enumerate(cont)}
    size = len(start) + (0 if shared else len(cont)) + 1
    # Few distinct scores (ties) and sums that round (0.1 + 0.2).
    scores = draw(st.none() | st.lists(st.sampled_from([-0.1, -0.2, -0.3, -1.0, -2.5]),
                                       min_size=size, max_size=size))
    unk = draw(st.none() | st.just(size - 1))
    limit = draw(st.sampled_from([None, None, 0, 2, 4, 6]))
    vocab = SegmentVocabulary(start_table, cont_table, unk_id=unk, scores=scores, max_piece_chars=limit)
    pieces = draw(st.lists(st.lists(alphabet, max_size=9).map(b"".join), max_size=6))
    return vocab, pieces


def outcome(pieces, vocab, method, kernel):
    try:
        return segment_pieces(pieces, vocab, method, kernel)
    except InputError as exc:
        return f"InputError: {exc}"


@settings(max_examples=400, deadline=None)
@given(cases())
def test_kernel_equals_the_python_methods(case):
    vocab, pieces = case
    kernel = compiled_segmenter(vocab)
    for method in METHODS:
        if method == "likelihood" and vocab.scores is None:
            continue
        assert outcome(pieces, vocab, method, kernel) == outcome(pieces, vocab, method, None), method
        for piece in pieces:  # one by one too: an error in the list hides the pieces after it
            assert outcome([piece], vocab, method, kernel) == outcome([piece], vocab, method, None), method


def test_unknown_and_errors_name_the_piece():
    v = {b"a": 0, b"ab": 1}
    vocab = SegmentVocabulary(v, v, max_piece_chars=3)
    kernel = compiled_segmenter(vocab)
    assert segment_pieces([b"ab", b"a"], vocab, "least_tokens", kernel) == [1, 0]
    with pytest.raises(InputError, match="'abx' cannot be covered"):
        segment_pieces([b"a", b"abx"], vocab, "longest_prefix", kernel)
    with pytest.raises(InputError, match="'abab' is longer than the vocabulary's word limit"):
        segment_pieces([b"abab"], vocab, "longest_token", kernel)
    with_unk = SegmentVocabulary(v, v, unk_id=7, max_piece_chars=3)
    assert segment_pieces([b"x", b"abab", b"ab"], with_unk, "longest_suffix",
                          compiled_segmenter(with_unk)) == [7, 7, 1]


def test_likelihood_without_scores_is_refused():
    v = {b"a": 0}
    with pytest.raises(ValueError, match="scores"):
        compiled_segmenter(SegmentVocabulary(v, v)).segment([b"a"], "likelihood")


# -- real vocabularies on NTREX-128 (every 4th language, its first 25 lines) -------------
@pytest.fixture(scope="module")
def ntrex_text(ntrex_files):
    lines = []
    for path in ntrex_files[::4]:
        lines += path.read_text(encoding="utf-8").split("\n")[:25]
    return "\n".join(lines)


def pieces_of(tok, text: str) -> list[bytes]:
    if tok.normalizer is not None:
        text = tok.normalizer.normalize(text)
    parts = tok.splitter.split(text) if tok.splitter is not None else [text]
    return [p.encode("utf-8") for p in parts if p]


@pytest.mark.parametrize("name,methods", [
    ("bert_base_cased_vocab.txt", tuple(m for m in METHODS if m != "likelihood")),
    ("r50k_base.tiktoken", tuple(m for m in METHODS if m != "likelihood")),
    ("t5_small_tokenizer.json", tuple(METHODS)),
])
def test_kernel_equals_python_on_real_vocabularies(tokenizer_files, ntrex_text, name, methods):
    path = tokenizer_files / name
    tok = load_vocab_txt(path, lowercase=False) if name.endswith(".txt") else tokensmith.load(path)
    pieces = pieces_of(tok, ntrex_text)
    vocab = tok.with_segmenter(methods[0]).model.vocab
    kernel = compiled_segmenter(vocab)
    for method in methods:
        ids = segment_pieces(pieces, vocab, method, kernel)
        assert ids == segment_pieces(pieces, vocab, method, None), method
        assert len(ids) >= len(pieces)


def test_wordpiece_and_segmented_models_use_the_kernel(tokenizer_files, ntrex_text):
    bert = load_vocab_txt(tokenizer_files / "bert_base_cased_vocab.txt", lowercase=False)
    pieces = pieces_of(bert, ntrex_text)
    assert bert.model.encode_pieces(pieces) == segment_pieces(pieces, bert.model.segment_vocabulary(),
                                                              "longest_prefix", None)
    assert isinstance(bert.model._kernel, _segment.Segmenter)
    fewest = bert.with_segmenter("least_tokens")
    fewest.encode_ordinary("tokenization")
    assert isinstance(fewest.model._kernel, _segment.Segmenter)


def test_python_methods_when_the_kernel_is_missing(monkeypatch):
    from tokensmith.segmenters.models import SegmentedModel
    from tokensmith.models.bpe.model import BPEModel
    from tokensmith.models.wordpiece.model import WordPieceModel

    monkeypatch.setenv("TOKENSMITH_PURE_PYTHON", "1")  # the readable twins, as without a build
    tokens = [bytes([b]) for b in range(256)] + [b"ab", b"bab"]
    model = SegmentedModel(BPEModel(tokens, []), "least_tokens")
    assert model.encode_pieces([b"abab", b"b"]) == [ord("a"), 257, ord("b")] and model._kernel is False  # longest last token
    wordpiece = WordPieceModel(["[UNK]", "un", "##aff", "##able", "a"], max_input_chars_per_word=4)
    # The whole-word shortcut respects the word limit, as the kernel and HF do.
    assert wordpiece.encode_pieces([b"unaffable", b"a", b"xyz"]) == [0, 4, 0]
