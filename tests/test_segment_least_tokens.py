"""Least-tokens segmentation (PathPiece) with the official code's tie-break.

The official segmenter (kensho-technologies/pathpiece, ``opt_encode_rust_longest_tiebreaker``)
keeps, for each end position, the longest token ending there among those reaching it in fewest
tokens, and reads the path back from the end. ``official_segmentation`` below restates that loop
plainly; the compiled kernel and the readable method must give its tokens on real text.
"""

from __future__ import annotations

import pytest

from tokensmith.segmenters import SegmentVocabulary
from tokensmith.segmenters.methods import least_tokens, least_tokens_longest_first
from tokensmith.segmenters.pieces import compiled_segmenter, segment_pieces


def official_segmentation(sample: bytes, vocab: set[bytes], max_len: int) -> list[bytes]:
    """The official rule: for each end, widths from 1 up; an equally short path replaces."""
    n = len(sample)
    widths, path_length = [0] * n, [float("inf")] * n
    for end in range(n):
        for width in range(1, min(max_len, end + 1) + 1):
            start = end + 1 - width
            if sample[start:end + 1] not in vocab:
                continue
            if start == 0:
                widths[end], path_length[end] = width, 1
            elif path_length[start - 1] + 1 <= path_length[end]:
                widths[end], path_length[end] = width, path_length[start - 1] + 1
    tokens, end = [], n - 1
    while end >= 0:
        tokens.append(sample[end + 1 - widths[end]:end + 1])
        end -= widths[end]
    return tokens[::-1]


def _vocab(tokens: list[bytes]) -> SegmentVocabulary:
    table = {t: i for i, t in enumerate(tokens)}
    return SegmentVocabulary(table, table)


@pytest.mark.parametrize("tokens,piece,official,longest_first", [
    # two 2-token paths: a|bab ends with the longer token, ab|ab starts with one
    ([b"a", b"b", b"ab", b"bab"], b"abab", [b"a", b"bab"], [b"ab", b"ab"]),
    # three 2-token paths: abc|d, ab|cd, a|bcd; the official keeps the longest last token
    ([b"a", b"b", b"c", b"d", b"ab", b"cd", b"abc", b"bcd"], b"abcd", [b"a", b"bcd"], [b"abc", b"d"]),
    # three 3-token paths: ab|cd|e, ab|c|de, a|bc|de; from the end: de beats e, then bc beats c
    ([b"a", b"b", b"c", b"d", b"e", b"ab", b"bc", b"cd", b"de"], b"abcde",
     [b"a", b"bc", b"de"], [b"ab", b"cd", b"e"]),
    # one shortest path: both tie-breaks agree
    ([b"x", b"y", b"z", b"xy", b"yz", b"xyz"], b"xyzxy", [b"xyz", b"xy"], [b"xyz", b"xy"]),
])
def test_hand_checked_tie_breaks(tokens, piece, official, longest_first):
    vocab = _vocab(tokens)
    kernel = compiled_segmenter(vocab)
    assert official_segmentation(piece, set(tokens), max(map(len, tokens))) == official
    for method, expected in (("least_tokens", official), ("least_tokens_longest_first", longest_first)):
        want = [tokens.index(t) for t in expected]
        assert segment_pieces([piece], vocab, method, None) == want, method
        assert segment_pieces([piece], vocab, method, kernel) == want, method


@pytest.fixture(scope="module")
def r50k(tokenizer_files):
    from tokensmith.formats import load

    return load(tokenizer_files / "r50k_base.tiktoken", pattern="gpt2")


@pytest.fixture(scope="module")
def real_pieces(r50k, english_sample, ntrex_files):
    text = english_sample[:150_000]
    for path in ntrex_files[::8]:
        text += "\n".join(path.read_text(encoding="utf-8").split("\n")[:10])
    return [p.encode("utf-8") for p in r50k.splitter.split(text)]


def test_kernel_and_readable_method_follow_the_official_rule_on_real_text(r50k, real_pieces):
    tokens = r50k.model.token_bytes()
    token_set, max_len = set(tokens), max(map(len, tokens))
    vocab = r50k.with_segmenter("least_tokens").model.vocab
    kernel = compiled_segmenter(vocab)
    differ = 0
    for piece in real_pieces[:12_000]:
        want = [vocab.start[t] for t in official_segmentation(piece, token_set, max_len)]
        assert segment_pieces([piece], vocab, "least_tokens", kernel) == want, piece
        assert least_tokens(piece, vocab) == want, piece
        differ += least_tokens_longest_first(piece, vocab) != want
    # the tie-break matters on real text: a few percent of pieces segment differently
    assert differ > 0.01 * 12_000
    # the whole list through the kernel at once, as models call it
    ids = segment_pieces(real_pieces, vocab, "least_tokens", kernel)
    assert ids == [i for p in real_pieces for i in segment_pieces([p], vocab, "least_tokens", kernel)]
    assert b"".join(tokens[i] for i in ids) == b"".join(real_pieces)
