"""The compiled SentencePiece-style paths against their Python twins where the fast paths take
shortcuts: the lattice's double-array trie on wide byte alphabets, the BPE merge loop by ids
(pairs of pieces, characters that are not pieces, unused pieces, user-defined symbols), HF's
Precompiled table of single characters on every BMP character, and batches on threads."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith._reference import lattice as ref
from tokensmith.formats import load
from tokensmith.models.bpe.sentencepiece import SentencePieceBPEModel
from tokensmith.models.unigram.model import UnigramModel

# One- to four-byte characters, NUL and DEL, so the trie's nodes have children spread over the
# whole byte range and the double array must place many of them side by side.
WIDE = "\x00\x7fab▁éßЖ東京語𒀀😀"


@st.composite
def wide_unigram(draw):
    pieces = draw(st.sets(st.text(WIDE, min_size=1, max_size=4), min_size=1, max_size=60))
    scores = draw(st.lists(st.integers(-60, -1), min_size=len(pieces), max_size=len(pieces)))
    vocab = [("<unk>", 0.0)] + [(p, s / 8) for p, s in zip(sorted(pieces), scores)]
    texts = draw(st.lists(st.text(WIDE, max_size=12), min_size=1, max_size=5))
    return UnigramModel(vocab), [t.encode() for t in texts]


@settings(max_examples=150, deadline=None)
@given(wide_unigram())
def test_double_array_lattice_equals_reference(case):
    model, texts = case
    if model.core is None:
        pytest.skip("compiled core not built")
    for text in texts:
        assert list(model._viterbi_raw(text)) == ref.viterbi(model.lattice(text)), text


@st.composite
def small_bpe(draw):
    alphabet = "ab▁é東"
    chars = draw(st.sets(st.sampled_from(alphabet), min_size=1))  # others are not pieces
    longer = draw(st.sets(st.text(alphabet, min_size=2, max_size=4), max_size=25))
    longer -= chars
    kinds = [draw(st.sampled_from(["normal", "normal", "normal", "unused"])) for _ in longer]
    pieces = [("<unk>", 0.0, "unknown"), ("<s>", 0.0, "control")]
    pieces += [(c, -float(k), "normal") for k, c in enumerate(sorted(chars))]
    pieces += [(p, -draw(st.integers(0, 8)) / 2, kind) for p, kind in zip(sorted(longer), kinds)]
    if draw(st.booleans()):
        pieces.append(("ab", 0.0, "user_defined") if "ab" not in longer else ("<x>", 0.0, "user_defined"))
    words = draw(st.lists(st.text(alphabet + "<x>", max_size=10), min_size=1, max_size=5))
    return SentencePieceBPEModel(pieces), words


@settings(max_examples=200, deadline=None)
@given(small_bpe())
def test_bpe_merge_by_ids_equals_reference(case):
    """Pairs found by piece ids, or by string where a symbol is no piece, give the twin's ids,
    with equal scores (ties: leftmost first) and unused pieces split back."""
    model, words = case
    if model.core is None:
        pytest.skip("compiled core not built")
    for word in words:
        data = word.encode()
        assert model.encode_word(data) == model.encode_word_reference(data), word


@pytest.fixture(scope="module")
def t5(tokenizer_files):
    return load(tokenizer_files / "t5_small_tokenizer.json")


def test_every_bmp_character_through_precompiled(t5):
    """The table of single characters gives what the charsmap gives, alone and as the first
    character of a cluster (a combining mark after it)."""
    encoder = t5._fast[0]
    chars = [chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    for step in (lambda c: c, lambda c: c + "\u0301"):
        for start in range(0, len(chars), 4096):
            text = " ".join(step(c) for c in chars[start:start + 4096])
            python_pieces = [p.encode() for p in t5.splitter.split(t5.normalizer.normalize(text)) if p]
            assert encoder.pieces(text) == python_pieces, hex(ord(chars[start]))


def test_batches_on_threads_keep_collector_state_and_ids(tokenizer_files, ntrex_files):
    tok = load(tokenizer_files / "llama2_tokenizer.model")
    texts = [line for path in ntrex_files[::8] for line in path.read_text(encoding="utf-8").split("\n")[:40]]
    expected = [tok.encode_ordinary(t) for t in texts]
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            gc.enable() if enabled else gc.disable()
            for _ in range(2):  # the helper thread's workspace (and word cache) is reused
                assert tok.encode_batch(texts, num_threads=2, disallowed_special=()) == expected
                assert gc.isenabled() == enabled
            tok.model.clear_cache()
    finally:
        gc.enable() if was_enabled else gc.disable()


@pytest.mark.parametrize("text", [
    "\u0600abcdefghijkl",        # Prepend joins the ASCII letter after it
    "abcdefghijkl\u0301 xyz",    # a combining mark joins the ASCII letter before it
    "abcdefghijkl\u200dx",       # ZWJ
    "abcdefghijkl\u0903",        # SpacingMark
    "ﬁabcdefghijklﬁ\u0301ﬁ",     # mapped characters around a run
    "é" + "abcdefgh" * 3 + "\r\n" + "ijklmnop" * 2 + "\u0600",
    "abcdefg\u0301hijklmnopq\u0600rstuvwxyz",
])
def test_ascii_runs_keep_their_neighbours_clusters(t5, text):
    """The runs of plain ASCII skipped by the compiled normalizer give the pieces and ids of
    clustering everything (the Python twin, regex's \\X)."""
    python_pieces = [p.encode() for p in t5.splitter.split(t5.normalizer.normalize(text)) if p]
    assert t5._fast[0].pieces(text) == python_pieces
    assert t5.encode(text) == t5.model.encode_pieces(python_pieces)
