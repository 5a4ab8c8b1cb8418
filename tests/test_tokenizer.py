"""The Tokenizer API: special tokens, batches, numpy output, decoding, hostile text."""

import numpy as np
import pytest
import tiktoken
from tiktoken.load import load_tiktoken_bpe

import tokensmith
from tokensmith.errors import InputError, SpecialTokenError
from tokensmith.pre_tokenizers.patterns import CL100K


@pytest.fixture(scope="module")
def cl100k(tokenizer_files):
    return tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")


@pytest.fixture(scope="module")
def reference(tokenizer_files, cl100k):
    ranks = load_tiktoken_bpe(str(tokenizer_files / "cl100k_base.tiktoken"))
    return tiktoken.Encoding("cl100k_ref", pat_str=CL100K, mergeable_ranks=ranks,
                             special_tokens=cl100k.special_tokens)


def test_special_tokens_refused_by_default_with_advice(cl100k):
    with pytest.raises(SpecialTokenError, match="allowed_special"):
        cl100k.encode("hi <|endoftext|>")


@pytest.mark.parametrize("text", ["a<|endoftext|>b<|fim_prefix|>", "<|endoftext|><|endoftext|>", "x"])
def test_special_tokens_like_tiktoken(cl100k, reference, text):
    assert cl100k.encode(text, allowed_special="all") == reference.encode(text, allowed_special="all")
    assert cl100k.encode(text, disallowed_special=()) == reference.encode(text, disallowed_special=())
    allowed = {"<|endoftext|>"}
    assert cl100k.encode(text, allowed_special=allowed, disallowed_special=()) == \
        reference.encode(text, allowed_special=allowed, disallowed_special=())


def test_unknown_allowed_special_is_an_error(cl100k):
    with pytest.raises(SpecialTokenError, match="not special tokens"):
        cl100k.encode("x", allowed_special={"<nope>"})


def test_batch_and_numpy_equal_single(cl100k, english_sample):
    texts = [english_sample[i:i + 5000] for i in range(0, 200_000, 5000)]
    single = [cl100k.encode(t) for t in texts]
    assert cl100k.encode_batch(texts) == single
    assert cl100k.encode_batch(texts, num_threads=1) == single
    array = cl100k.encode_to_numpy(texts[0])
    assert array.dtype == np.uint32 and array.tolist() == single[0]


def test_decode_special_and_out_of_range(cl100k):
    ids = cl100k.encode("a<|endoftext|>", allowed_special="all")
    assert cl100k.decode(ids) == "a<|endoftext|>"
    with pytest.raises(InputError, match="out of range"):
        cl100k.decode([10**9])


def test_decode_invalid_utf8_bytes(cl100k):
    broken = cl100k.encode("東")[:1]
    assert cl100k.decode_bytes(broken) == "東".encode()[: len(cl100k.decode_bytes(broken))]
    assert "\ufffd" in cl100k.decode(broken)
    with pytest.raises(UnicodeDecodeError):
        cl100k.decode(broken, errors="strict")


def test_lone_surrogate_is_a_clear_error(cl100k):
    with pytest.raises(InputError, match="surrogate"):
        cl100k.encode("ok \ud800 no")


def test_non_string_input(cl100k):
    with pytest.raises(TypeError):
        cl100k.encode(b"bytes")


def test_nul_bytes_and_control_characters_round_trip(cl100k):
    text = "a\x00b\x01\x7f\u200b\ufeff" * 100
    assert cl100k.decode(cl100k.encode(text)) == text


@pytest.mark.parametrize("specials", [["<|x|>", "<|y|>"], ["<a>", "[b]", "{c}", "(d)", "|e|", "~f~"]])
def test_every_special_is_refused_whatever_its_first_character(specials):
    from tokensmith.models.bpe.model import BPEModel

    model = BPEModel([bytes([b]) for b in range(256)], [])
    tok = tokensmith.Tokenizer(model, special_tokens={s: 256 + i for i, s in enumerate(specials)})
    for i, special in enumerate(specials):
        with pytest.raises(SpecialTokenError, match="allowed_special"):
            tok.encode(f"text {special} more")
        assert tok.encode(f"a{special}", allowed_special="all") == [97, 256 + i]
        assert tok.encode(special, disallowed_special=()) == list(special.encode())
    assert tok.encode("plain < [ text") == list(b"plain < [ text")


def test_every_model_with_any_splitter_encodes(tokenizer_files):
    """The compiled fast path is the model's to offer (Model.compiled_encoder): a Unigram model
    behind a regex splitter runs stage by stage instead of calling a BPE-only core method."""
    import tokensmith
    from tokensmith.pre_tokenizers.splitters import RegexSplitter
    from tokensmith.tokenizer import Tokenizer

    for name in ("t5_small_tokenizer.json", "llama2_tokenizer.model", "bert_base_cased_vocab.txt",
                 "r50k_base.tiktoken"):
        model = tokensmith.load(tokenizer_files / name).model
        tok = Tokenizer(model, RegexSplitter("gpt2"))
        ids = tok.encode("ab cd")
        assert ids and all(isinstance(i, int) for i in ids)
        assert ids == model.encode_pieces([b"ab", b" cd"])


def test_batch_default_call_takes_the_compiled_path_and_still_refuses_specials(tokenizer_files, monkeypatch):
    """A tokenizer with special tokens used to skip the compiled batch call (one future per text)."""
    import tokensmith
    from tokensmith.errors import SpecialTokenError

    tok = tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")
    texts = [f"line {i}: the quick brown fox <|not special|>" for i in range(500)]
    expected = [tok.encode(t) for t in texts]
    core, _ = tok._fast
    calls = []
    original = core.encode_batch

    class Spy:
        def __getattr__(self, name):
            return getattr(core, name)

        def encode_batch(self, *args):
            calls.append(len(args[0]))
            return original(*args)

    monkeypatch.setattr(tok, "_fast", (Spy(), tok._fast[1]))
    assert tok.encode_batch(texts, num_threads=2) == expected
    assert calls == [500]
    with pytest.raises(SpecialTokenError):
        tok.encode_batch(texts + ["a <|endoftext|> b"], num_threads=2)
    with pytest.raises(SpecialTokenError):
        tok.encode_batch(["x <|fim_prefix|>"], disallowed_special={"<|fim_prefix|>"})
    assert tok.encode_batch(["x <|endoftext|>"], disallowed_special=()) == [tok.encode_ordinary("x <|endoftext|>")]


def test_batch_on_the_general_path_equals_one_by_one(tokenizer_files):
    import tokensmith

    tok = tokensmith.load(tokenizer_files / "whisper_tiny_tokenizer.json")  # added tokens: general path
    texts = [f"<|0.00|> segment {i} <|2.00|>" for i in range(50)]
    assert tok.encode_batch(texts, num_threads=3) == [tok.encode(t) for t in texts]
