"""Every HF tokenizer.json of the shared data loads in tokensmith exactly as HF ``tokenizers``
loads it: same ids (with and without the post-processor's tokens, special tokens matched or taken
as text), same decoded text, same pair encodings, on NTREX (all 128 languages), UDHR and
generated hostile text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hf_cases

tokenizers = pytest.importorskip("tokenizers")

FILES = ["clip", "falcon", "gpt_neox_20b", "marian_nmt", "phi2", "phi3_mini", "roberta_base",
         "t5_small", "whisper_tiny"]


@pytest.fixture(scope="module")
def natural(ntrex_dir, shared_data):
    udhr = shared_data / "parallel" / "udhr_articles_1-30.tsv"
    assert udhr.exists(), f"shared data file missing: {udhr}"
    return hf_cases.ntrex_sample(ntrex_dir, per_language=30) + hf_cases.udhr_sample(udhr, rows=40)


_PAIRS: dict[str, hf_cases.Pair] = {}


@pytest.fixture(scope="module")
def load(tokenizer_files, tmp_path_factory):
    def get(name: str) -> hf_cases.Pair:
        if name not in _PAIRS:
            if name == "bert_base_cased":
                path = hf_cases.bert_json(tokenizer_files, tmp_path_factory.mktemp("bert"))
            else:
                path = tokenizer_files / f"{name}_tokenizer.json"
            _PAIRS[name] = hf_cases.load_pair(path)
        return _PAIRS[name]
    return get


def test_every_tokenizer_json_is_covered(tokenizer_files):
    assert sorted(p.name for p in hf_cases.tokenizer_jsons(tokenizer_files)) == \
        sorted(f"{name}_tokenizer.json" for name in FILES)


@pytest.mark.parametrize("name", FILES + ["bert_base_cased"])
def test_same_as_hf(name, load, natural):
    pair = load(name)
    failures = [o for o in hf_cases.all_outcomes(pair, natural) if o.unexplained]
    assert not failures, "\n".join(f"{o.what}: {o.exact}/{o.cases}, first: {o.first_mismatch}"
                                   for o in failures)


@pytest.mark.parametrize("name", FILES + ["bert_base_cased"])
def test_hf_vocabulary_api(name, load):
    pair = load(name)
    ours, ref = pair.ours, pair.ref
    assert len(ours) == ref.get_vocab_size(with_added_tokens=True)
    assert ours.get_vocab() == ref.get_vocab(with_added_tokens=True)
    for token, i in list(ref.get_vocab(with_added_tokens=True).items())[::97]:
        assert ours.token_to_id(token) == ref.token_to_id(token)
        assert ours.id_to_token(i) == ref.id_to_token(i)
    for content in pair.added:
        assert ours.token_to_id(content) == ref.token_to_id(content)


def _hostile_text(added: list[str]):
    pieces = st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
        st.sampled_from([" ", "  ", "   ", "\t", "\n", "\r\n", "\u3000", "\u00a0"]).map(lambda s: s * 3),
        st.sampled_from(added or ["<s>"]),
        st.tuples(st.text(min_size=1, max_size=3), st.integers(1, 60)).map(lambda t: t[0] * t[1]),
        st.sampled_from(["Hello", " world", "don't", "123", "ﬁ", "É", "中文", "🙂"]),
    )
    return st.lists(pieces, max_size=8).map("".join)


@pytest.mark.parametrize("name", FILES)
def test_hostile_text_same_as_hf(name, load):
    pair = load(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_hostile_text(pair.added))
    def check(text):
        for add in (False, True):
            ids = pair.ref.encode(text, add_special_tokens=add).ids
            assert pair.ours.encode(text, allowed_special="all", add_special_tokens=add) == ids
        assert pair.ours.decode(ids) == pair.ref.decode(ids, skip_special_tokens=False)
        assert pair.ours.decode(ids, skip_special_tokens=True) == pair.ref.decode(ids, skip_special_tokens=True)

    check()


@pytest.mark.parametrize("name", FILES)
def test_native_and_hf_save_round_trip(name, load, natural, tmp_path):
    import tokensmith

    pair = load(name)
    texts = natural[::40] + hf_cases.with_added_tokens(pair.added, natural[:10])
    expected = [pair.ref.encode(t, add_special_tokens=True).ids for t in texts]
    for fmt in ("native", "hf"):
        path = tmp_path / f"{name}.{fmt}.json"
        pair.ours.save(path, format=fmt)
        again = tokensmith.load(path)
        assert [again.encode(t, allowed_special="all", add_special_tokens=True) for t in texts] == expected
        if fmt == "hf":
            written = tokenizers.Tokenizer.from_file(str(path))
            assert [written.encode(t).ids for t in texts] == expected
