"""Unknown tokens, lossless round trips and the INVALID rule of Petrov et al. (2023), on real
tokenizers (T5 has an unknown token, cl100k is byte-level) and NTREX lines, against the
reference libraries."""

from __future__ import annotations

import pytest

from tokensmith.adapters import open_tokenizer
from tokensmith.errors import OptionError
from tokensmith.metrics.parallel import read_parallel
from tokensmith.metrics.parity import parity

LINES = 50
# Amharic, Thai and Khmer: T5 maps whole words to <unk>; French and German it covers.
LANGS = ["amh", "tha", "khm", "fra", "deu"]


@pytest.fixture(scope="module")
def corpus(ntrex_dir):
    return read_parallel(ntrex_dir, languages=LANGS, max_lines=LINES)


@pytest.fixture(scope="module")
def t5(tokenizer_files):
    return open_tokenizer(f"t5={tokenizer_files / 't5_small_tokenizer.json'}")


@pytest.fixture(scope="module")
def hf_t5(tokenizer_files, reference):
    return reference("tokenizers").Tokenizer.from_file(str(tokenizer_files / "t5_small_tokenizer.json"))


def test_t5_unknown_share_and_roundtrip_equal_hf(corpus, t5, hf_t5):
    result = parity(t5, corpus, progress=False)
    unk = hf_t5.token_to_id("<unk>")
    assert t5.unk_id == unk
    for lang in [corpus.pivot] + corpus.languages:
        encodings = [hf_t5.encode(line, add_special_tokens=False).ids for line in lang.lines]
        tokens = sum(len(ids) for ids in encodings)
        unknown = sum(ids.count(unk) for ids in encodings)
        exact = sum(hf_t5.decode(ids, skip_special_tokens=False) == line
                    for ids, line in zip(encodings, lang.lines))
        if lang is corpus.pivot:
            assert result.pivot_unknown_share == pytest.approx(unknown / tokens)
            assert result.pivot_roundtrip_share == pytest.approx(exact / LINES)
            continue
        row = next(r for r in result.languages if r.code == lang.code)
        assert (row.tokens, row.unknown_tokens) == (tokens, unknown), lang.code
        assert row.unknown_share == pytest.approx(unknown / tokens)
        assert row.roundtrip_share == pytest.approx(exact / LINES), lang.code
        assert row.valid == (unknown / tokens <= 0.10)


def test_invalid_languages_are_never_ranked_nor_aggregated(corpus, t5):
    result = parity(t5, corpus, progress=False)
    by_code = {r.code: r for r in result.languages}
    assert sorted(result.invalid) == ["amh", "khm", "tha"]
    for code in ("amh", "tha", "khm"):
        assert not by_code[code].valid and by_code[code].unknown_share > 0.3
    assert by_code["fra"].valid and by_code["deu"].valid
    # Their premiums look tiny (text vanished into <unk>) but count nowhere.
    assert by_code["tha"].premium < 0.5
    valid = [by_code["fra"].premium, by_code["deu"].premium]
    assert result.min_premium == pytest.approx(min(valid))
    assert result.max_premium == pytest.approx(max(valid))
    assert result.summarised == 2
    assert set(result.worst) == set(result.best) == {"fra", "deu"}
    assert sum(s.languages for s in result.by_script) == 2
    assert [r.code for r in result.languages][-3:] == ["amh", "khm", "tha"]  # after the ranked ones


def test_byte_level_has_no_unknown_and_roundtrips(corpus, tokenizer_files, tiktoken_encodings):
    cl = open_tokenizer(f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}")
    assert cl.unk_id is None
    result = parity(cl, corpus, progress=False)
    enc = tiktoken_encodings["cl100k"]
    for row in result.languages:
        lines = next(lang.lines for lang in corpus.languages if lang.code == row.code)
        exact = sum(enc.decode(enc.encode_ordinary(line)) == line for line in lines)
        assert row.unknown_share == 0 and row.valid
        assert row.roundtrip_share == exact / LINES == 1.0
    assert result.invalid == [] and result.summarised == len(LANGS)
    assert result.unknown_share == 0 and result.roundtrip_share == 1.0


def test_joined_mode_is_the_papers(corpus, t5, hf_t5, tokenizer_files, tiktoken_encodings):
    """The paper's code joins a language's lines with spaces and encodes that one text."""
    enc = tiktoken_encodings["cl100k"]
    cl = open_tokenizer(f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}")
    joined = parity(cl, corpus, progress=False, mode="joined")
    lines = parity(cl, corpus, progress=False, mode="lines")
    eng = len(enc.encode_ordinary(" ".join(corpus.pivot.lines)))
    assert joined.mode == "joined" and joined.pivot_tokens == eng
    for lang in corpus.languages:
        row = next(r for r in joined.languages if r.code == lang.code)
        assert row.premium == pytest.approx(len(enc.encode_ordinary(" ".join(lang.lines))) / eng)
    assert joined.median_premium != lines.median_premium  # the modes differ, slightly
    assert joined.median_premium == pytest.approx(lines.median_premium, rel=0.05)
    t5_joined = parity(t5, corpus, progress=False, mode="joined")
    unk = hf_t5.token_to_id("<unk>")
    for lang in corpus.languages:
        ids = hf_t5.encode(" ".join(lang.lines), add_special_tokens=False).ids
        row = next(r for r in t5_joined.languages if r.code == lang.code)
        assert (row.tokens, row.unknown_tokens) == (len(ids), ids.count(unk))
    assert sorted(t5_joined.invalid) == ["amh", "khm", "tha"]


def test_a_pivot_over_the_limit_invalidates_every_language(ntrex_dir, t5):
    corpus = read_parallel(ntrex_dir, pivot="amh", languages=["eng", "fra"], max_lines=LINES)
    result = parity(t5, corpus, progress=False)
    assert result.pivot_unknown_share > 0.3
    assert sorted(result.invalid) == ["eng", "fra"]
    assert result.median_premium is None and result.worst == [] and result.summarised == 0


def test_unknown_mode(corpus, t5):
    with pytest.raises(OptionError, match="parity mode must be one of lines, joined"):
        parity(t5, corpus, progress=False, mode="sentences")
