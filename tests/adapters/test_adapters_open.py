"""Any tokenizer file behind ``TokenizerLike``: native loader first, reference adapters otherwise."""

import importlib

import pytest

import tokensmith
from tokensmith.adapters import NativeTokenizer, TokenizerLike, open_tokenizer, parse_spec
from tokensmith.errors import ModelFileError, OptionError

TEXT = "Hello wörld, 12345 <|endoftext|> Привет 東京 ☃\n  end"
FILES = ["r50k_base.tiktoken", "cl100k_base.tiktoken", "llama2_tokenizer.model",
         "mistral_v3_tokenizer.model", "roberta_base_tokenizer.json", "t5_small_tokenizer.json",
         "bert_base_cased_vocab.txt"]


def test_parse_spec(tmp_path):
    assert parse_spec("cl100k=/x/cl100k_base.tiktoken") == ("cl100k", "/x/cl100k_base.tiktoken")
    assert parse_spec("/x/llama2_tokenizer.model") == ("llama2", "/x/llama2_tokenizer.model")
    assert parse_spec("/x/cl100k_base.tiktoken")[0] == "cl100k"
    odd = tmp_path / "a=b.json"  # an existing file whose name holds '=' is a path
    odd.write_text("{}")
    assert parse_spec(str(odd)) == ("a=b", str(odd))
    with pytest.raises(OptionError):
        parse_spec("name=")


@pytest.mark.parametrize("backend", ["auto", "reference"])
@pytest.mark.parametrize("filename", FILES)
def test_every_shared_file_opens(filename, backend, tokenizer_files):
    tok = open_tokenizer(f"t={tokenizer_files / filename}", backend=backend)
    assert isinstance(tok, TokenizerLike) and tok.name == "t"
    ids = tok.encode(TEXT)  # a special token's string in the text is plain text, no error
    assert ids and all(0 <= i < tok.vocab_size for i in ids)
    assert tok.encode_batch([TEXT, "x"])[0] == ids
    surfaces = [tok.token_bytes(i) for i in ids]
    if "bert" not in filename and "t5" not in filename:  # those normalise the text
        # surfaces spell the text (SentencePiece adds one leading space)
        assert b"".join(surfaces).lstrip(b" ") == TEXT.encode().lstrip(b" ")
        assert tok.decode(ids).lstrip(" ") == TEXT.lstrip(" ")


@pytest.mark.parametrize("filename", ["llama2_tokenizer.model", "t5_small_tokenizer.json",
                                      "bert_base_cased_vocab.txt", "roberta_base_tokenizer.json"])
def test_native_and_reference_agree_on_surfaces(filename, tokenizer_files):
    """The native adapter's surfaces (from the tokenizer's decoder) equal the reference
    library's, up to leading whitespace that only marks a word start."""
    native = open_tokenizer(tokenizer_files / filename, backend="tokensmith")
    ref = open_tokenizer(tokenizer_files / filename, backend="reference")
    assert native.vocab_size == ref.vocab_size
    for i in list(range(0, native.vocab_size, 37)) + list(range(300)):
        a, b = native.token_bytes(i), ref.token_bytes(i)
        assert (a is None) == (b is None) or b"[unused" in (a or b) or b"<extra_id" in (a or b), (i, a, b)
        if a is not None and b is not None:
            assert a.strip() == b.strip(), (i, a, b)


@pytest.mark.parametrize("backend", ["auto", "reference"])
def test_unknown_id_is_the_reference_librarys(backend, tokenizer_files):
    """``unk_id``: the id the library emits for text it cannot represent; None when byte-level."""
    sentencepiece, hf = importlib.import_module("sentencepiece"), importlib.import_module("tokenizers")
    t5 = hf.Tokenizer.from_file(str(tokenizer_files / "t5_small_tokenizer.json"))
    bert = hf.BertWordPieceTokenizer(str(tokenizer_files / "bert_base_cased_vocab.txt"), lowercase=False)
    llama = sentencepiece.SentencePieceProcessor(model_file=str(tokenizer_files / "llama2_tokenizer.model"))
    expected = {"t5_small_tokenizer.json": t5.token_to_id("<unk>"), "bert_base_cased_vocab.txt": bert.token_to_id("[UNK]"),
                "llama2_tokenizer.model": llama.unk_id(), "cl100k_base.tiktoken": None,
                "roberta_base_tokenizer.json": None}
    for filename, unk in expected.items():
        tok = open_tokenizer(tokenizer_files / filename, backend=backend)
        assert tok.unk_id == unk, (filename, backend)
    # T5 emits that id for a Thai word, as the library does
    tok = open_tokenizer(tokenizer_files / "t5_small_tokenizer.json", backend=backend)
    assert tok.encode("ภาษาไทย") == t5.encode("ภาษาไทย", add_special_tokens=False).ids
    assert tok.unk_id in tok.encode("ภาษาไทย")


def test_native_ids_equal_reference_ids(tokenizer_files):
    for name in ("cl100k_base.tiktoken", "llama2_tokenizer.model"):
        a = open_tokenizer(tokenizer_files / name, backend="tokensmith")
        b = open_tokenizer(tokenizer_files / name, backend="reference")
        assert a.encode(TEXT) == b.encode(TEXT)


def test_objects_pass_through(tokenizer_files):
    native = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    wrapped = open_tokenizer(native)
    assert isinstance(wrapped, NativeTokenizer) and wrapped.token_bytes(50256) is None
    assert open_tokenizer(wrapped) is wrapped
    with pytest.raises(OptionError, match="not a tokenizer"):
        open_tokenizer(42)


def test_unreadable_files(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        open_tokenizer(tmp_path / "missing.model")
    garbage = tmp_path / "garbage.model"
    garbage.write_bytes(b"\n\x05junk" * 10)
    with pytest.raises(ModelFileError, match="garbage.model"):
        open_tokenizer(garbage)
    with pytest.raises(ModelFileError, match="garbage.model"):
        open_tokenizer(garbage, backend="reference")
    with pytest.raises(OptionError, match="unknown backend"):
        open_tokenizer(garbage, backend="fast")


def test_missing_reference_library_is_named(tokenizer_files, monkeypatch):
    real = importlib.import_module

    def no_sentencepiece(name, *args):
        if name == "sentencepiece":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_sentencepiece)
    with pytest.raises(ModelFileError, match="pip install sentencepiece"):
        open_tokenizer(tokenizer_files / "llama2_tokenizer.model", backend="reference")
