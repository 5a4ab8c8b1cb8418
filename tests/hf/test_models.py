"""HF models (tokensmith.models.hf) against HF ``tokenizers`` itself: the same ``"model"`` spec,
HF's as a tokenizer with no normalizer or pre-tokenizer, must give the same ids for the same
pre-tokens, on the real files (NTREX text in every script, pre-tokenized by the file's own
pre-tokenizer), on trained specs with every option, and on hypothesis-generated text."""

from __future__ import annotations

import copy
import json
import os
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith import components
from tokensmith.errors import InputError, ModelFileError
from tokensmith.models.bpe import hf as bpe_model
from tokensmith.models.bpe.hf import merge_symbols
from tokensmith.models.hf import build_model, model_to_hf

if os.environ.get("CI"):
    import tokenizers
else:
    tokenizers = pytest.importorskip("tokenizers")

REAL_FILES = ["roberta_base", "clip", "phi3_mini", "t5_small", "marian_nmt", "whisper_tiny",
              "phi2", "gpt_neox_20b", "falcon"]
BYTE_LEVEL = ["roberta_base", "whisper_tiny", "phi2"]  # with all 256 bytes; GPT-NeoX, Falcon lack some

any_text = st.text(st.characters(min_codepoint=1, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
                   min_size=1, max_size=16)


def bare(spec: dict):
    """HF's tokenizer of a model spec alone: pre-tokens go to the model unchanged."""
    document = {"version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None,
                "post_processor": None, "decoder": None, "model": spec}
    return tokenizers.Tokenizer.from_str(json.dumps(document))


def hf_ids(tokenizer, pieces: list[str]) -> list[int]:
    return tokenizer.encode(pieces, is_pretokenized=True, add_special_tokens=False).ids


def ours_ids(model, pieces: list[str]) -> list[int]:
    return model.encode_pieces([p.encode("utf-8") for p in pieces])


def assert_same_outcome(hf, model, pieces: list[str]):
    """Same ids, or both refuse (HF's missing unknown token is an InputError here)."""
    try:
        expected = hf_ids(hf, pieces)
    except Exception:
        with pytest.raises(InputError):
            ours_ids(model, pieces)
        return
    assert ours_ids(model, pieces) == expected, pieces


# -- the real files -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ntrex_lines(ntrex_files):
    lines = []
    for path in ntrex_files:
        lines += path.read_text(encoding="utf-8").splitlines()[:5]
    return lines


def pre_tokenized(tokenizer, lines: list[str]) -> list[list[str]]:
    """The pieces HF's own normalizer and pre-tokenizer give for each line."""
    out = []
    for line in lines:
        text = tokenizer.normalizer.normalize_str(line) if tokenizer.normalizer else line
        pieces = ([p for p, _ in tokenizer.pre_tokenizer.pre_tokenize_str(text)]
                  if tokenizer.pre_tokenizer else [text])
        out.append([p for p in pieces if p])
    return out


@pytest.fixture(scope="module")
def load_real(tokenizer_files, ntrex_lines):
    """``load_real(name)``: our model, HF's bare tokenizer and the NTREX pieces of a real file."""
    loaded = {}

    def load(name):
        if name not in loaded:
            path = tokenizer_files / f"{name}_tokenizer.json"
            document = json.loads(path.read_text(encoding="utf-8"))
            full = tokenizers.Tokenizer.from_file(str(path))
            loaded[name] = (build_model(document["model"], path), bare(document["model"]),
                            pre_tokenized(full, ntrex_lines))
        return loaded[name]
    return load


@pytest.fixture(scope="module", params=REAL_FILES)
def real(request, load_real):
    return (request.param, *load_real(request.param))


def test_real_files_match_hf_on_ntrex(real):
    _name, model, hf, sentences = real
    for pieces in sentences:
        assert ours_ids(model, pieces) == hf_ids(hf, pieces), pieces


def test_real_files_vocabulary_matches_hf(real):
    _name, model, hf, _ = real
    vocab = hf.get_vocab(with_added_tokens=False)
    assert model.get_vocab() == vocab
    for token, i in list(vocab.items())[::97]:
        assert model.token_to_id(token) == i == hf.token_to_id(token)
        assert model.id_to_token(i) == token == hf.id_to_token(i)
        assert model.token_bytes()[i] == token.encode("utf-8")
    assert model.token_to_id("\x00no such token\x00") is None
    assert model.id_to_token(len(vocab) + 10) is None


@pytest.mark.parametrize("name", [n for n in REAL_FILES if n not in ("t5_small", "marian_nmt")])
def test_general_path_matches_hf_on_byte_level_files(load_real, name):
    """Byte-level files run on the compiled twin; the Python merge must agree with HF there too."""
    model, hf, sentences = load_real(name)
    assert (model.byte_level_model is not None) == (name in BYTE_LEVEL)
    assert bool(model._twin()) == (name in BYTE_LEVEL + ["gpt_neox_20b", "falcon"])
    words = sorted({p for pieces in sentences[::3] for p in pieces})
    for word in words:
        assert merge_symbols(model.symbols(word), model.merges) == hf_ids(hf, [word]), word


@pytest.fixture(scope="module")
def phi3(tokenizer_files):
    spec = json.loads((tokenizer_files / "phi3_mini_tokenizer.json").read_text(encoding="utf-8"))["model"]
    return build_model(spec, "phi3"), bare(spec)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(any_text, min_size=1, max_size=3))
def test_bpe_byte_fallback_over_all_planes(phi3, pieces):
    """Phi-3: SentencePiece-style BPE with byte fallback and fused unknowns."""
    model, hf = phi3
    assert ours_ids(model, pieces) == hf_ids(hf, pieces)


def test_t5_ties_and_unknown_piece(tokenizer_files):
    """T5's '----' has tied segmentations; '<unk>' in text is the unknown piece, fused with
    the unknown characters after it."""
    spec = json.loads((tokenizer_files / "t5_small_tokenizer.json").read_text(encoding="utf-8"))["model"]
    model, hf = build_model(spec, "t5"), bare(spec)
    for piece in ["▁----", "----", "▁-----------", "▁........", "▁<unk>", "▁<unk>ẹ", "▁</s>x", "▁ẹẹ<unk>"]:
        assert ours_ids(model, [piece]) == hf_ids(hf, [piece]), piece


# -- trained specs with every option ------------------------------------------------------------
@pytest.fixture(scope="module")
def training_lines(ntrex_files):
    picks = [f for f in ntrex_files if any(k in f.name for k in (".eng", ".deu", ".rus", ".hin", ".zho"))]
    return [line for f in picks for line in f.read_text(encoding="utf-8").splitlines()[:150]]


@pytest.fixture(scope="module")
def test_words(ntrex_files):
    rng = random.Random(7)
    words = set()
    for f in rng.sample(ntrex_files, 30):
        for line in f.read_text(encoding="utf-8").splitlines()[200:215]:
            words.update(line.split())
    return sorted(words)


def train(model, trainer, lines):
    tokenizer = tokenizers.Tokenizer(model)
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(lines, trainer)
    return json.loads(tokenizer.to_str())["model"]


@pytest.fixture(scope="module")
def bpe_spec(training_lines):
    """BPE with WordPiece-style prefix, CLIP-style suffix and an unknown token; a small alphabet
    so that many characters are unknown."""
    return train(tokenizers.models.BPE(unk_token="[UNK]", continuing_subword_prefix="##",
                                       end_of_word_suffix="</w>"),
                 tokenizers.trainers.BpeTrainer(vocab_size=1500, special_tokens=["[UNK]"],
                                                continuing_subword_prefix="##",
                                                end_of_word_suffix="</w>", limit_alphabet=120,
                                                show_progress=False),
                 training_lines)


BPE_VARIANTS = [
    {}, {"fuse_unk": True}, {"ignore_merges": True}, {"byte_fallback": True},
    {"byte_fallback": True, "fuse_unk": True, "bytes": "half"},
    {"byte_fallback": True, "bytes": "all", "ignore_merges": True},
    {"unk_token": None}, {"end_of_word_suffix": None},
    {"unk_token": "<missing>"}, {"dropout": 0.4}, {"merges": "pairs"},
]


def bpe_variant(base: dict, options: dict) -> dict:
    spec = copy.deepcopy(base)
    options = dict(options)
    extra = options.pop("bytes", None)
    if extra:
        wanted = range(256) if extra == "all" else range(0, 256, 2)
        for b in wanted:
            spec["vocab"].setdefault(f"<0x{b:02X}>", len(spec["vocab"]))
    if options.pop("merges", None) == "pairs":
        spec["merges"] = [m.split(" ") if isinstance(m, str) else m for m in spec["merges"]]
    spec.update(options)
    return spec


@pytest.mark.parametrize("options", BPE_VARIANTS, ids=lambda o: json.dumps(o))
def test_bpe_options_match_hf(bpe_spec, test_words, options):
    spec = bpe_variant(bpe_spec, options)
    model = build_model(spec, "<test>")
    hf = bare({**spec, "dropout": None})  # ours ignores dropout: HF without it is the reference
    for k in range(0, len(test_words), 5):
        assert_same_outcome(hf, model, test_words[k:k + 5])
    for word in ["", "a", "##a", "a</w>", "</w>", "Ωmega", "ⅫⅫ", "x" * 300]:
        assert_same_outcome(hf, model, [word])


@pytest.fixture(scope="module")
def bpe_variants(bpe_spec):
    """Both tokenizers of each variant, built once (hypothesis calls a test many times)."""
    built = {}
    for options in BPE_VARIANTS[:6]:
        spec = bpe_variant(bpe_spec, options)
        built[json.dumps(options)] = bare(spec), build_model(spec, "<test>")
    return built


@pytest.mark.parametrize("options", BPE_VARIANTS[:6], ids=lambda o: json.dumps(o))
@settings(max_examples=80, deadline=None)
@given(piece=any_text)
def test_bpe_options_on_random_text(bpe_variants, options, piece):
    assert_same_outcome(*bpe_variants[json.dumps(options)], [piece])


def test_bpe_duplicate_merge_keeps_last_rank():
    spec = {"type": "BPE", "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4},
            "merges": ["a b", "b c", "a b"]}
    assert ours_ids(build_model(spec, "<test>"), ["abc"]) == hf_ids(bare(spec), ["abc"]) == [0, 4]


def test_bpe_cache_is_bounded(bpe_spec, test_words, monkeypatch):
    monkeypatch.setattr(bpe_model, "CACHE_LIMIT", 10)
    model = build_model(bpe_spec, "<test>")
    hf = bare(bpe_spec)
    for word in test_words[:200]:
        assert ours_ids(model, [word]) == hf_ids(hf, [word])
        assert len(model._cache) <= 10


@pytest.fixture(scope="module")
def wordpiece_spec(training_lines):
    return train(tokenizers.models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=12),
                 tokenizers.trainers.WordPieceTrainer(vocab_size=1500, special_tokens=["[UNK]"],
                                                      limit_alphabet=150, show_progress=False),
                 training_lines)


@pytest.mark.parametrize("options", [{}, {"continuing_subword_prefix": "@@"}, {"unk_token": "<none>"},
                                     {"max_input_chars_per_word": 100}])
def test_wordpiece_matches_hf(wordpiece_spec, test_words, options):
    spec = {**wordpiece_spec, **options}
    spec["vocab"] = dict(spec["vocab"], **{"##": len(spec["vocab"]), "##ab": len(spec["vocab"]) + 1})
    model, hf = build_model(spec, "<test>"), bare(spec)
    assert_same_outcome(hf, model, test_words)  # one call: the compiled path's batch
    for word in test_words + ["##", "##ab", "####", "a##ab", "##a", "ab" * 7, "é" * 12, "é" * 13]:
        assert_same_outcome(hf, model, [word])


@pytest.fixture(scope="module")
def wordpiece_pair(wordpiece_spec):
    return bare(wordpiece_spec), build_model(wordpiece_spec, "<test>")


@settings(max_examples=150, deadline=None)
@given(piece=any_text)
def test_wordpiece_on_random_text(wordpiece_pair, piece):
    assert_same_outcome(*wordpiece_pair, [piece])


@pytest.mark.parametrize("unk", ["[UNK]", "<none>"])
def test_wordlevel_matches_hf(training_lines, test_words, unk):
    spec = train(tokenizers.models.WordLevel(unk_token="[UNK]"),
                 tokenizers.trainers.WordLevelTrainer(vocab_size=2000, special_tokens=["[UNK]"],
                                                      show_progress=False),
                 training_lines)
    spec["unk_token"] = unk
    model, hf = build_model(spec, "<test>"), bare(spec)
    for word in test_words:
        assert_same_outcome(hf, model, [word])
    assert model.unk_id == (0 if unk == "[UNK]" else None)


# -- Unigram: ties, unknowns, byte fallback -----------------------------------------------------
TIED = [["<unk>", 0.0], ["a", -1.0], ["b", -1.0], ["ab", -2.0], ["ba", -2.0], ["aba", -3.0],
        ["bab", -3.0], ["<0x63>", -1.0], ["c", -5.0], ["cc", -1.0], ["", -1.0], ["b", -0.5]]


@pytest.mark.parametrize("unk_id", [0, None])
@pytest.mark.parametrize("byte_fallback", [False, True])
@settings(max_examples=150, deadline=None)
@given(piece=st.lists(st.sampled_from(["a", "b", "c", "d", "é", "<unk>", "<0x63>", "ab"]),
                      min_size=1, max_size=8).map("".join))
def test_unigram_ties_and_unknowns(unk_id, byte_fallback, piece):
    """Equal-score paths, a duplicate piece (the last id wins), an empty piece, the unknown and
    byte pieces matching text, and HF's failure without unk_id."""
    spec = {"type": "Unigram", "unk_id": unk_id, "byte_fallback": byte_fallback, "vocab": TIED}
    assert_same_outcome(bare(spec), build_model(spec, "<test>"), [piece])


@pytest.fixture(scope="module")
def marian_bytes(tokenizer_files):
    """Marian's Unigram with the 256 byte pieces added and byte_fallback on."""
    spec = json.loads((tokenizer_files / "marian_nmt_tokenizer.json").read_text(encoding="utf-8"))["model"]
    spec["vocab"] = spec["vocab"] + [[f"<0x{b:02X}>", -30.0] for b in range(256)]
    spec["byte_fallback"] = True
    return build_model(spec, "marian"), bare(spec)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(any_text.map(lambda t: "▁" + t), min_size=1, max_size=3))
def test_unigram_byte_fallback_over_all_planes(marian_bytes, pieces):
    model, hf = marian_bytes
    assert ours_ids(model, pieces) == hf_ids(hf, pieces)


def test_unigram_reference_path_matches_kernel(tokenizer_files, ntrex_lines):
    """The Python lattice (used without unk_id or without the compiled core) gives the kernel's ids."""
    spec = json.loads((tokenizer_files / "t5_small_tokenizer.json").read_text(encoding="utf-8"))["model"]
    model = build_model(spec, "t5")
    for line in ntrex_lines[::7]:
        piece = ("▁" + line.replace(" ", "▁")).encode("utf-8")
        assert model._viterbi_reference(piece) == model._best_path(piece)


# -- malformed specs, saving, loading speed -----------------------------------------------------
@pytest.mark.parametrize("spec, hf_accepts", [
    ({"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}, False),
    ({"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}, False),
    ({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["ab"]}, False),
    ({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b c"]}, False),
    ({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b", "c"]]}, False),
    ({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"],
      "continuing_subword_prefix": "##"}, False),
    ({"type": "BPE", "vocab": {"a": 0}}, False),
    ({"type": "BPE", "vocab": {"a": -1}, "merges": []}, False),
    ({"type": "BPE", "vocab": {"a": 1.0}, "merges": []}, False),
    ({"type": "BPE", "vocab": {"a": 0}, "merges": [], "dropout": 1.5}, False),
    ({"type": "BPE", "vocab": {"a": 0, "b": 0}, "merges": []}, True),  # ambiguous id -> token
    ({"type": "WordPiece", "vocab": {"a": 0}, "unk_token": "[UNK]", "continuing_subword_prefix": "##"}, False),
    ({"type": "WordLevel", "vocab": {"a": 0}}, False),
    ({"type": "Unigram", "vocab": [["a", 0.0]], "unk_id": 3}, False),
    ({"type": "Unigram", "vocab": [["a", 0.0]], "unk_id": -1}, False),
    ({"type": "Unigram", "vocab": [["a"]], "unk_id": 0}, False),
    ({"type": "Unigram", "vocab": [["a", float("nan")]], "unk_id": 0}, False),
    ({"type": "Unigram", "vocab": [["a", float("inf")]], "unk_id": 0}, False),
    ({"type": "Nope", "vocab": {}}, False),
    ([1, 2], False),
])
def test_malformed_specs_raise_model_file_error(spec, hf_accepts):
    with pytest.raises(ModelFileError, match="tokenizer.json"):
        build_model(spec, "tokenizer.json")
    if not hf_accepts:
        with pytest.raises(BaseException):  # HF refuses it too (some with a Rust panic)
            bare(spec).encode(["ab"], is_pretokenized=True)


def test_holes_in_ids_are_accepted_like_hf():
    spec = {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 3}, "unk_token": "[UNK]"}
    model = build_model(spec, "<test>")
    assert ours_ids(model, ["a", "b"]) == hf_ids(bare(spec), ["a", "b"]) == [3, 0]
    assert model.id_to_token(1) is None and model.token_bytes()[1] == b""


def test_spec_without_type_is_recognised(tokenizer_files):
    """RoBERTa's and T5's files predate the "type" field."""
    for name, kind in [("roberta_base", "BPE"), ("t5_small", "Unigram")]:
        spec = json.loads((tokenizer_files / f"{name}_tokenizer.json").read_text(encoding="utf-8"))["model"]
        assert "type" not in spec
        assert model_to_hf(build_model(spec, name))["type"] == kind


@pytest.mark.parametrize("name", ["clip", "t5_small"])
def test_native_round_trip(tokenizer_files, name, ntrex_lines):
    spec = json.loads((tokenizer_files / f"{name}_tokenizer.json").read_text(encoding="utf-8"))["model"]
    model = build_model(spec, name)
    again = components.from_dict("model", json.loads(json.dumps(model.to_dict())))
    assert type(again) is type(model) and model_to_hf(again) == model_to_hf(model)
    pieces = [w.encode("utf-8") for line in ntrex_lines[:40] for w in line.lower().split()]
    assert again.encode_pieces(pieces) == model.encode_pieces(pieces)


def test_large_vocabulary_loads_fast():
    """A 200k-token byte-level BPE saved natively reloads in well under a second."""
    from tokensmith.formats.bytes_text import bytes_to_text

    chars = [bytes_to_text(bytes([b])) for b in range(256)]
    pairs = [(a, b) for a in chars for b in chars]  # every two-byte token, then three-byte ones
    triples = [(a + b, c) for a, b in pairs[:600] for c in chars][:200_000 - 256 - len(pairs)]
    tokens = chars + [a + b for a, b in pairs + triples]
    merges = [f"{a} {b}" for a, b in pairs + triples]
    spec = {"type": "BPE", "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges}
    saved = json.dumps(build_model(spec, "big").to_dict(), ensure_ascii=False)
    assert len(saved) < 1.2 * len(json.dumps(spec, ensure_ascii=False))  # the spec, nothing more
    data = json.loads(saved)
    start = time.process_time()
    model = components.from_dict("model", data)
    assert time.process_time() - start < 0.8
    assert merge_symbols(model.symbols(tokens[-1]), model.merges) == [len(tokens) - 1]


@pytest.mark.parametrize("name", ["t5_small", "phi3_mini", "clip", "roberta_base"])
def test_tokenizer_decodes_model_ids_like_hf(tokenizer_files, ntrex_lines, name):
    """A tokensmith Tokenizer over the model and the file's decoder decodes HF's ids to HF's
    text: token_bytes() is the form HF's decoders read."""
    from tokensmith.decoders.hf import build_decoder
    from tokensmith.tokenizer import Tokenizer

    path = tokenizer_files / f"{name}_tokenizer.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    ours = Tokenizer(build_model(document["model"], path),
                     decoder=build_decoder(document["decoder"], path))
    hf = tokenizers.Tokenizer.from_file(str(path))
    for line in ntrex_lines[::9]:
        ids = [i for i in hf.encode(line, add_special_tokens=False).ids if i < ours.model.vocab_size]
        assert ours.decode(ids) == hf.decode(ids, skip_special_tokens=False)


def test_wordpiece_segmenters_use_the_hf_vocabulary(wordpiece_spec, test_words):
    """The WordPiece model exposes its vocabulary to tokensmith's segmentation methods."""
    from tokensmith.tokenizer import Tokenizer

    model = build_model(wordpiece_spec, "<test>")
    greedy = Tokenizer(model).with_segmenter("longest_prefix")
    fewest = Tokenizer(model).with_segmenter("least_tokens")
    for word in test_words[:300]:
        ids = ours_ids(model, [word])
        assert greedy.encode_ordinary(word) == ids
        assert len(fewest.encode_ordinary(word)) <= len(ids) or ids == [model.unk_id]
