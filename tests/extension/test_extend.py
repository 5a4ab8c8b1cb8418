"""tokensmith.extend: new tokens appended after every existing id, saved in the original format,
read back by the original library (tiktoken, HF tokenizers, sentencepiece), which gives every old
id the same token and uses the new tokens on held-out text of the new domain or language."""

from __future__ import annotations

import sysconfig
import warnings
from unittest import mock
from pathlib import Path

import pytest

import tokensmith
from tokensmith.errors import InputError, OptionError, SmallCorpusWarning

tiktoken = pytest.importorskip("tiktoken")
openai_public = pytest.importorskip("tiktoken_ext.openai_public")
hf = pytest.importorskip("tokenizers")
spm = pytest.importorskip("sentencepiece")

STDLIB = Path(sysconfig.get_paths()["stdlib"])
TRAIN_CODE = ["argparse.py", "textwrap.py", "shutil.py", "configparser.py", "dataclasses.py", "pathlib.py"]
HELD_OUT_CODE = ["tempfile.py", "fractions.py"]


@pytest.fixture(scope="module")
def code():
    train = [(STDLIB / name).read_text(encoding="utf-8") for name in TRAIN_CODE]
    held = [(STDLIB / name).read_text(encoding="utf-8") for name in HELD_OUT_CODE]
    return train, held


@pytest.fixture(scope="module")
def hindi(ntrex_dir):
    return ntrex_split(ntrex_dir, "hin")


def _extended(tokenizer_files, name, corpus, n):
    old = tokensmith.load(tokenizer_files / name)
    return old, tokensmith.extend(old, corpus, num_new_tokens=n)


def _check_ids(old, new, count, reference_token, held_out, reference_encode):
    """Every old id spells the same token in the reference library; the new ids come right after
    the old ones; the reference library encodes held-out text as the extended tokenizer does and
    uses new tokens on it; the text decodes back."""
    first = old.vocab_size
    assert new.vocab_size == first + count
    for i in range(first):
        assert _bytes_or_none(new, i) == _bytes_or_none(old, i)
    old_tokens = [reference_token(i) for i in range(first)]
    assert old_tokens == [old.id_to_token(i) for i in range(first)] or old_tokens == [
        _bytes_or_none(old, i) for i in range(first)]
    used = 0
    for text in held_out:
        ids = new.encode(text)
        assert reference_encode(text) == ids
        used += sum(i >= first for i in ids)
        assert new.decode(ids) == old.decode(old.encode(text))
    assert used > 0
    return used


def _bytes_or_none(tokenizer, i):
    try:
        return tokenizer.token_bytes(i)
    except (InputError, IndexError):
        return None


def test_tiktoken_cl100k_on_python_code(tmp_path, tokenizer_files, code):
    train, held = code
    old, new = _extended(tokenizer_files, "cl100k_base.tiktoken", train, 150)
    path = tmp_path / "cl100k_code.tiktoken"
    new.save(path, format="tiktoken")
    with mock.patch.object(openai_public, "load_tiktoken_bpe", lambda *a, **k: {}):
        spec = openai_public.cl100k_base()  # the pattern and special tokens, without a download
    # cl100k's specials stay at 100257..100276: the new ranks start at 100277.
    encoding = tiktoken.Encoding("cl100k_code", pat_str=spec["pat_str"],
                                 mergeable_ranks=tiktoken.load.load_tiktoken_bpe(str(path)),
                                 special_tokens=spec["special_tokens"])
    assert encoding.n_vocab == 100277 + 150
    assert min(encoding.decode_single_token_bytes(i) == new.token_bytes(i) for i in range(100277, 100427))

    def token(i):
        try:
            return encoding.decode_single_token_bytes(i)
        except KeyError:
            return None

    _check_ids(old, new, 150, token, held, encoding.encode_ordinary)
    assert encoding.encode("<|endoftext|>", allowed_special="all") == [100257]
    assert tokensmith.load(path).encode("<|endoftext|>", allowed_special="all") == [100257]


def ntrex_split(ntrex_dir, language):
    lines = (ntrex_dir / f"newstest2019-ref.{language}.txt").read_text(encoding="utf-8").split("\n")
    return lines[:1200], lines[-300:]


# T5's vocabulary has no Devanagari at all (every letter is <unk>): Czech is its new language.
@pytest.mark.parametrize("name, language", [("roberta_base_tokenizer.json", "hin"),
                                            ("phi3_mini_tokenizer.json", "hin"),
                                            ("t5_small_tokenizer.json", "ces")])
def test_hf_tokenizer_json_on_a_new_language(tmp_path, tokenizer_files, ntrex_dir, name, language):
    train, held = ntrex_split(ntrex_dir, language)
    old, new = _extended(tokenizer_files, name, train, 120)
    path = tmp_path / "tokenizer.json"
    new.save(path, format="hf")
    reference = hf.Tokenizer.from_file(str(path))
    original = hf.Tokenizer.from_file(str(tokenizer_files / name))
    assert reference.get_vocab_size() == original.get_vocab_size() + 120
    # Added tokens keep their ids (phi3's sit after its 32,000 pieces, at 32000..32010).
    assert {t.content: i for i, t in reference.get_added_tokens_decoder().items()} == \
        {t.content: i for i, t in original.get_added_tokens_decoder().items()}
    used = _check_ids(old, new, 120, reference.id_to_token, held,
                      lambda t: reference.encode(t, add_special_tokens=False).ids)
    before = sum(len(original.encode(t, add_special_tokens=False).ids) for t in held)
    after = sum(len(reference.encode(t, add_special_tokens=False).ids) for t in held)
    assert after < before and used > 0


def test_sentencepiece_bpe_llama2_on_python_code(tmp_path, tokenizer_files, code):
    train, held = code
    old, new = _extended(tokenizer_files, "llama2_tokenizer.model", train, 100)
    path = tmp_path / "llama2_code.model"
    new.save(path, format="sentencepiece")
    reference = spm.SentencePieceProcessor(model_file=str(path))
    assert reference.get_piece_size() == 32100
    _check_ids(old, new, 100, reference.id_to_piece, held, reference.encode)
    assert not any(any(c.isdigit() for c in reference.id_to_piece(i)) for i in range(32000, 32100))


def test_sentencepiece_unigram_on_czech(tmp_path, ntrex_dir, shared_data):
    """A Unigram .model that sentencepiece trains on English (the shared data has no Unigram
    .model file), extended for Czech, and read back by sentencepiece."""
    english = (ntrex_dir / "newstest2019-ref.eng-US.txt").read_text(encoding="utf-8").split("\n")
    spm.SentencePieceTrainer.train(sentence_iterator=iter(english), model_prefix=str(tmp_path / "en"),
                                   vocab_size=3000, model_type="unigram", minloglevel=2)
    train, held = ntrex_split(ntrex_dir, "ces")
    old, new = _extended(tmp_path, "en.model", train, 80)
    new.save(tmp_path / "en_cs.model", format="sentencepiece")
    reference = spm.SentencePieceProcessor(model_file=str(tmp_path / "en_cs.model"))
    _check_ids(old, new, 80, reference.id_to_piece, held, reference.encode)


def test_wordpiece_vocab_txt_and_tokenizer_json(tmp_path, tokenizer_files, code):
    train, held = code
    old, new = _extended(tokenizer_files, "bert_base_cased_vocab.txt", train, 100)
    new.save(tmp_path / "vocab.txt", format="vocab.txt")
    lines = (tmp_path / "vocab.txt").read_text(encoding="utf-8").split("\n")
    original = (tokenizer_files / "bert_base_cased_vocab.txt").read_text(encoding="utf-8").split("\n")
    assert lines[:len(original)] == original  # old lines untouched, new ones appended
    reference = hf.BertWordPieceTokenizer(str(tmp_path / "vocab.txt"), lowercase=False)
    _check_ids(old, new, 100, reference.id_to_token, held,
               lambda t: reference.encode(t, add_special_tokens=False).ids)
    reference.save(str(tmp_path / "bert.json"))  # the same vocabulary as a tokenizer.json
    assert tokensmith.load(tmp_path / "bert.json").encode(held[0]) == new.encode(held[0])


def test_target_gains_more_than_english_changes(tokenizer_files, hindi, shared_data):
    train, held = hindi
    english = (shared_data / "parallel" / "ntrex128" / "newstest2019-ref.eng-US.txt").read_text(
        encoding="utf-8").split("\n")[-300:]
    old, new = _extended(tokenizer_files, "roberta_base_tokenizer.json", train, 120)

    def bytes_per_token(tok, texts):
        return sum(len(t.encode()) for t in texts) / sum(len(tok.encode(t)) for t in texts)

    gain = bytes_per_token(new, held) / bytes_per_token(old, held)
    english_change = bytes_per_token(new, english) / bytes_per_token(old, english)
    assert gain > 1.3  # Hindi in roberta's bytes: 120 tokens shorten held-out news a lot
    assert 1.0 <= english_change < 1.01  # merges only join: English never gets longer


def test_ids_are_deterministic_and_min_frequency_bounds(tokenizer_files, code):
    train, _ = code
    old = tokensmith.load(tokenizer_files / "roberta_base_tokenizer.json")
    a = tokensmith.extend(old, train, num_new_tokens=30)
    b = tokensmith.extend(old, list(train), num_new_tokens=30)
    assert [a.id_to_token(i) for i in range(50265, 50295)] == [b.id_to_token(i) for i in range(50265, 50295)]
    assert len(old.encode(" zqxv")) == 4
    with pytest.warns(SmallCorpusWarning, match="gave 3 new tokens of the 5"):
        small = tokensmith.extend(old, [" zqxv zqxv"], num_new_tokens=5)  # " zqxv" twice: 3 merges
    assert small.encode(" zqxv") == [50267]
    with pytest.warns(SmallCorpusWarning, match="gave 0 new tokens"):
        tokensmith.extend(old, [" zqxv", "zqxv"], num_new_tokens=5, min_frequency=3)


def test_bad_input_is_refused(tokenizer_files):
    bert = tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt")
    with pytest.raises(OptionError, match="num_new_tokens must be a positive int"):
        tokensmith.extend(bert, ["text"], num_new_tokens=0)
    with pytest.raises(InputError, match="no text"):
        tokensmith.extend(bert, [], num_new_tokens=3)
    segmented = bert.with_segmenter("longest_suffix")
    with pytest.raises(OptionError, match="extend cannot add tokens to a"):
        tokensmith.extend(segmented, ["text"], num_new_tokens=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(tokensmith.ModelFileError):
            tokensmith.extend(tokenizer_files / "no_such_file.json", ["text"], num_new_tokens=3)
