"""Added tokens and post-processors against HF ``tokenizers`` on generated tokenizer.json files:
every flag (special, normalized, lstrip, rstrip, single_word), overlapping and nested contents,
whitespace tokens, a normalizer that changes what normalized tokens match; templates with
several ids per special token, BertProcessing, RobertaProcessing and Sequence; the load checks."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokensmith.added_tokens import FLAGS
from tokensmith.errors import ModelFileError, SpecialTokenError
from tokensmith.formats.bytes_text import bytes_to_text
from tokensmith.formats.hf_json import load_hf_json

tokenizers = pytest.importorskip("tokenizers")

BYTES = [bytes_to_text(bytes([b])) for b in range(256)]
MERGES = [["Ġ", "a"], ["a", "b"], ["Ġa", "b"], ["x", "y"], ["<", "m"], ["<m", ">"]]
CONTENTS = ["<m>", "<mask>", "ab", "a", "b", " ", "  ", "\t", "x y", "<s>", "</s>", "abc", "bc",
            "AB", "<M>", "xy"]
FILLER = ["a", "b", " ", "xyz", "\n", "ab ab", "AB", "  ", "x", "é", "<", ">", "_", "1"]


def document(added: list[dict], normalizer=None, post_processor=None) -> dict:
    vocab = {t: i for i, t in enumerate(BYTES)}
    for left, right in MERGES:
        vocab[left + right] = len(vocab)
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
            "normalizer": normalizer, "pre_tokenizer": byte_level, "post_processor": post_processor,
            "decoder": byte_level,
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                      "vocab": vocab, "merges": MERGES}}


def entry(content: str, id: int, **flags) -> dict:
    """An ``added_tokens`` entry with every field HF requires (flags default to False)."""
    return {"id": id, "content": content, **{f: bool(flags.get(f)) for f in FLAGS}}


def numbered(entries: list[dict]) -> list[dict]:
    """Ids as HF gives them: a vocabulary string keeps its id, the others follow the vocabulary."""
    vocab = document([])["model"]["vocab"]
    next_id = len(vocab)
    entries = [entry(e["content"], 0, **{f: e.get(f) for f in FLAGS}) for e in entries]
    for e in entries:
        if e["content"] in vocab:
            e["id"] = vocab[e["content"]]
        else:
            e["id"], next_id = next_id, next_id + 1
    return entries


def hf_ids(ref, text: str):
    """HF's ids, or None where HF panics ("AddedVocabulary bad split": an rstrip token's
    whitespace runs into the next token's match)."""
    try:
        return ref.encode(text, add_special_tokens=False).ids
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return None


def both(doc: dict):
    return load_hf_json("generated.json", document=doc), tokenizers.Tokenizer.from_str(json.dumps(doc))


added_tokens = st.lists(
    st.fixed_dictionaries({"content": st.sampled_from(CONTENTS), "special": st.booleans(),
                           "normalized": st.booleans(), "lstrip": st.booleans(),
                           "rstrip": st.booleans(), "single_word": st.booleans()}),
    # One token per lowercase form: of two normalized tokens with one normalized form (``ab``,
    # ``AB`` under Lowercase), HF's choice varies from load to load.
    min_size=1, max_size=6, unique_by=lambda e: e["content"].lower()).map(numbered)
texts = st.lists(st.sampled_from(CONTENTS + FILLER), max_size=12).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(added_tokens, st.sampled_from([None, {"type": "Lowercase"}]), st.lists(texts, min_size=1, max_size=5))
def test_added_tokens_match_as_hf(added, normalizer, samples):
    ours, ref = both(document(added, normalizer))
    for text in samples:
        ids = hf_ids(ref, text)
        if ids is not None:
            assert ours.encode(text, allowed_special="all") == ids
            assert ours.decode(ids) == ref.decode(ids, skip_special_tokens=False)
            assert ours.decode(ids, skip_special_tokens=True) == ref.decode(ids, skip_special_tokens=True)
        ref.encode_special_tokens = True
        ids = hf_ids(ref, text)
        ref.encode_special_tokens = False
        if ids is not None:
            assert ours.encode(text, disallowed_special=()) == ids


def test_special_tokens_refused_by_default_and_plain_ones_always_matched():
    added = numbered([{"content": "<s>", "special": True},
                      {"content": "  ", "special": False, "normalized": True}])
    ours, ref = both(document(added))
    with pytest.raises(SpecialTokenError, match="<s>"):
        ours.encode("a <s> b")
    text = "a  b   c"
    assert ours.encode(text) == ref.encode(text).ids  # the whitespace token is vocabulary
    assert ours.special_tokens == {"<s>": added[0]["id"]}


@pytest.mark.parametrize("post_processor", [
    {"type": "TemplateProcessing",
     "single": [{"SpecialToken": {"id": "<cls>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "<two>", "type_id": 1}}],
     "pair": [{"Sequence": {"id": "A", "type_id": 1}}, {"SpecialToken": {"id": "<two>", "type_id": 0}},
              {"Sequence": {"id": "B", "type_id": 2}}],
     "special_tokens": {"<cls>": {"id": "<cls>", "ids": [262], "tokens": ["<cls>"]},
                        "<two>": {"id": "<two>", "ids": [263, 10], "tokens": ["<t>", "+"]}}},
    {"type": "BertProcessing", "sep": ["<sep>", 264], "cls": ["<cls>", 262]},
    {"type": "RobertaProcessing", "sep": ["<sep>", 264], "cls": ["<cls>", 262], "trim_offsets": True,
     "add_prefix_space": False},
    {"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
        {"type": "BertProcessing", "sep": ["<sep>", 264], "cls": ["<cls>", 262]}]},
])
def test_post_processors_as_hf(post_processor):
    added = numbered([{"content": c, "special": True} for c in ("<cls>", "<t>", "<sep>")])
    ours, ref = both(document(added, post_processor=post_processor))
    for a, b in [("ab xy", None), ("", None), ("ab", "xy ab"), ("<cls> a", "<sep>"), ("", "")]:
        for add in (True, False):
            mine = ours.encode_plus(a, b, add_special_tokens=add, allowed_special="all")
            theirs = ref.encode(a, b, add_special_tokens=add)
            assert (mine.ids, mine.type_ids, mine.tokens, mine.special_tokens_mask) == \
                (theirs.ids, theirs.type_ids, theirs.tokens, theirs.special_tokens_mask)
            assert ours.encode(a, pair=b, add_special_tokens=add, allowed_special="all") == theirs.ids


@pytest.mark.parametrize("entries, message", [
    ([entry("<x>", -1)], "negative id"),
    ([entry("", 262)], "empty content"),
    ([entry("<x>", 5)], "id 5 of a different vocabulary token"),
    ([entry("<x>", 262), entry("<y>", 262)], "id 262 of the added token '<x>'"),
    ([entry("<x>", 262), entry("<x>", 263)], "the id 263 and, in an earlier entry, the id 262"),
    ([entry("<x>", 300)], "HF tokenizers gives it the id 262"),
    ([entry("ab", 263)], "gives it the id 257"),
    ([{"id": 262}], "no string content"),
    ([{**entry("<x>", 262), "id": 262.0}], "no integer id"),
    ([{k: v for k, v in entry("<x>", 262).items() if k != "rstrip"}], "rstrip is None"),
    ([{**entry("<x>", 262), "special": 1}], "special is 1, not true or false"),
    (None, "not a list"),
])
def test_broken_added_tokens_are_refused(entries, message):
    with pytest.raises(ModelFileError, match=message):
        load_hf_json("broken.json", document=document(entries))
    with pytest.raises(Exception):  # HF refuses them too, or numbers them otherwise
        ids = [e.get("id") for e in entries or []]
        loaded = tokenizers.Tokenizer.from_str(json.dumps(document(entries)))
        assert [loaded.token_to_id(e["content"]) for e in entries] == ids


def test_unknown_post_processor_is_refused():
    with pytest.raises(ModelFileError, match="post-processor 'Nope'"):
        load_hf_json("broken.json", document=document([], post_processor={"type": "Nope"}))
    bad = {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<q>", "type_id": 0}}],
           "pair": [], "special_tokens": {}}
    with pytest.raises(ModelFileError, match="does not define"):
        load_hf_json("broken.json", document=document([], post_processor=bad))
