"""MAFT-style vocabulary pruning: the pruning corpus encodes to the same tokens, ids remapped."""

from __future__ import annotations

import pytest
import regex

from tokensmith import OptionError, Tokenizer
from tokensmith.trainers import train
from tokensmith.trainers.prune import prune_bpe


@pytest.fixture(scope="module")
def multilingual(ntrex_dir):
    texts = {}
    for code in ("eng-US", "rus", "ell", "deu"):
        path = ntrex_dir / f"newstest2019-ref.{code}.txt"
        if not path.exists():
            path = ntrex_dir / f"newstest2019-src.eng.txt"
        texts[code] = path.read_text(encoding="utf-8")
    return texts


@pytest.fixture(scope="module")
def tokenizer(multilingual):
    return train([t[:150_000] for t in multilingual.values()], vocab_size=3000,
                 special_tokens=["<|end|>"], progress=False)


def test_pruning_corpus_encodes_to_the_same_tokens(tokenizer, multilingual):
    english = multilingual["eng-US"][:100_000]
    pruned, old_to_new = prune_bpe(tokenizer, [english])
    assert pruned.vocab_size < tokenizer.vocab_size
    before = tokenizer.encode(english)
    assert pruned.encode(english) == [old_to_new[i] for i in before]
    assert pruned.decode(pruned.encode(multilingual["rus"][:3000])) == multilingual["rus"][:3000]
    assert pruned.special_tokens == {"<|end|>": pruned.vocab_size - 1}
    assert old_to_new[tokenizer.special_tokens["<|end|>"]] == pruned.vocab_size - 1
    for old, new in old_to_new.items():
        assert tokenizer.token_bytes(old) == pruned.token_bytes(new)


def test_pruning_to_scripts_drops_other_alphabets(tokenizer, multilingual):
    pruned, old_to_new = prune_bpe(tokenizer, scripts=["Latin"])
    dropped = set(range(tokenizer.model.vocab_size)) - set(old_to_new)
    assert any(regex.search(r"\p{Cyrillic}", tokenizer.token_bytes(i).decode("utf-8", "ignore"))
               for i in dropped)
    for i in range(256, pruned.model.vocab_size):
        text = pruned.token_bytes(i).decode("utf-8", "ignore")
        assert not regex.search(r"[\p{Cyrillic}\p{Greek}]", text), text
    german = multilingual["deu"][:20_000]
    assert pruned.encode(german) == [old_to_new[i] for i in tokenizer.encode(german)]


def test_saved_pruned_tokenizer_loads(tokenizer, multilingual, tmp_path):
    pruned, _ = prune_bpe(tokenizer, scripts=["Greek"])
    pruned.save(tmp_path / "pruned.json")
    text = multilingual["ell"][:5000]
    assert Tokenizer.load(tmp_path / "pruned.json").encode(text) == pruned.encode(text)


def test_bad_requests(tokenizer):
    with pytest.raises(OptionError):
        prune_bpe(tokenizer)
    with pytest.raises(OptionError):
        prune_bpe(tokenizer, scripts=["Klingonish"])
