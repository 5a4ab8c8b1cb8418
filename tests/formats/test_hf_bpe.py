"""HF tokenizer.json and GPT-2 files: same ids as HF's own libraries, both ways."""

import pytest
import tokenizers

import tokensmith
from tokensmith.errors import ModelFileError


@pytest.fixture(scope="module")
def sample_texts(ntrex_files, english_sample):
    picks = [f for f in ntrex_files if any(k in f.name for k in ("deu", "rus", "zho", "arb", "hin", "jpn", "kor"))]
    return [english_sample[:300_000]] + [f.read_text(encoding="utf-8") for f in picks]


def test_roberta_json_matches_hf(tokenizer_files, sample_texts):
    path = tokenizer_files / "roberta_base_tokenizer.json"
    ours = tokensmith.load(path)
    ref = tokenizers.Tokenizer.from_file(str(path))
    for text in sample_texts:
        assert ours.encode(text, disallowed_special=()) == ref.encode(text, add_special_tokens=False).ids


def test_gpt2_files_match_r50k(tokenizer_files, sample_texts):
    gpt2 = tokensmith.load(tokenizer_files / "gpt2_vocab.json")
    r50k = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    for text in sample_texts:
        assert gpt2.encode(text) == r50k.encode(text)


@pytest.mark.parametrize("name", ["r50k_base", "cl100k_base"])
def test_exported_json_loads_in_hf_and_transformers(tmp_path, tokenizer_files, sample_texts, name):
    transformers = pytest.importorskip("transformers")
    ours = tokensmith.load(tokenizer_files / f"{name}.tiktoken")
    path = tmp_path / "tokenizer.json"
    ours.save(path, format="hf")
    hf = tokenizers.Tokenizer.from_file(str(path))
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(path))
    again = tokensmith.load(path)
    for text in sample_texts[:4]:
        expected = ours.encode(text)
        assert hf.encode(text).ids == expected
        assert fast(text)["input_ids"] == expected
        assert again.encode(text) == expected
        assert hf.decode(expected) == text


def test_gpt2_files_export_round_trip(tmp_path, tokenizer_files, sample_texts):
    r50k = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    r50k.save(tmp_path, format="gpt2")
    merges = (tmp_path / "merges.txt").read_text(encoding="utf-8").splitlines()
    reference = (tokenizer_files / "gpt2_merges.txt").read_text(encoding="utf-8").splitlines()
    assert merges[1:] == [m for m in reference[1:] if m]
    again = tokensmith.load(tmp_path / "vocab.json")
    assert again.encode(sample_texts[1]) == r50k.encode(sample_texts[1])


def test_unsupported_and_malformed_json(tmp_path):
    path = tmp_path / "tokenizer.json"
    path.write_text('{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, '
                    '"pre_tokenizer": {"type": "NoSuchPreTokenizer"}}')
    with pytest.raises(ModelFileError, match="NoSuchPreTokenizer"):
        tokensmith.load(path)
    path.write_text('{"model": {"type": "Weird"}}')
    with pytest.raises(ModelFileError, match="not supported"):
        tokensmith.load(path)


WHITESPACE_ENDINGS = ["a\n ", "a\n \n", "hello  world\n\n  ", "x \t\n", "it's  \n  ok\r\n", "abc   ",
                      "a\n b", "  \n", "\n", " ", "end.\r\n\r\n   ", "x\u3000\n\u00a0 "]


@pytest.mark.parametrize("name", ["gpt2", "cl100k", "llama3", "o200k"])
def test_exported_split_pattern_splits_like_ours_in_hf(name, sample_texts):
    from tokenizers import Regex, pre_tokenizers

    from tokensmith.formats.hf_bpe import EXPORT_SPELLING
    from tokensmith.pre_tokenizers.patterns import split_reference

    hf = pre_tokenizers.Split(Regex(EXPORT_SPELLING[name]), behavior="isolated")
    for text in WHITESPACE_ENDINGS + [t[:100_000] for t in sample_texts]:
        assert [p for p, _ in hf.pre_tokenize_str(text)] == split_reference(name, text), repr(text[:50])
