"""SentencePiece .model files: exact ids against sentencepiece on real text, llama.cpp vectors,
round-trips, the compiled BPE kernel against its Python twin, and forged files."""

from __future__ import annotations

import pytest

sentencepiece = pytest.importorskip("sentencepiece")

from tokensmith.errors import InputError, ModelFileError  # noqa: E402
from tokensmith.formats import load  # noqa: E402
from tokensmith.formats.sentencepiece import load_sentencepiece  # noqa: E402

MODELS = ["llama2_tokenizer.model", "mistral_v3_tokenizer.model"]


@pytest.fixture(scope="module", params=MODELS)
def pair(request, tokenizer_files):
    path = tokenizer_files / request.param
    return load(path), sentencepiece.SentencePieceProcessor(model_file=str(path))


def _lines(text: str) -> list[str]:
    return text.split("\n")


def test_english_sample_matches_sentencepiece(pair, english_sample):
    ours, ref = pair
    lines = _lines(english_sample)
    expected = ref.encode(lines)
    got = [ours.encode(line, disallowed_special=()) for line in lines]
    assert got == expected


def test_every_ntrex_line_matches_sentencepiece(pair, ntrex_files):
    """Every line of every language file, one id list per line as the reference gives it
    (both libraries encode the batch on threads)."""
    ours, ref = pair
    for path in ntrex_files:
        lines = _lines(path.read_text(encoding="utf-8"))
        expected = ref.encode(lines, num_threads=2)
        got = ours.encode_batch(lines, num_threads=2, disallowed_special=())
        if got != expected:
            bad = next(k for k in range(len(lines)) if got[k] != expected[k])
            assert got[bad] == expected[bad], (path.name, bad, lines[bad][:80])


def _python_path(tok, text: str) -> list[int]:
    """The stage-by-stage Python path (normalizer, word loop), without the compiled text encoder."""
    return tok.model.encode_pieces([tok.normalizer.normalize(text).encode()])


def test_compiled_text_encoder_matches_python_path(pair, ntrex_files, english_sample):
    ours, _ref = pair
    encoder = ours._fast[0]
    texts = [english_sample[:50_000], "", "   ", "  a  b \n\n c  ", "𒀀𒀁 x", "[REFERENCE_DOC_1]x [INST]"]
    for path in ntrex_files[::6]:
        texts += _lines(path.read_text(encoding="utf-8"))[:60]
    for text in texts:
        assert encoder.pieces(text) == [p for p in [ours.normalizer.normalize(text).encode()] if p]
        assert ours.encode_ordinary(text) == _python_path(ours, text), text[:80]
    assert [list(a) for a in encoder.encode_batch(texts, None, 2)] == [ours.encode_ordinary(t) for t in texts]
    assert list(ours.encode_to_numpy(texts[0])) == ours.encode_ordinary(texts[0])


def test_compiled_path_surrogates_and_types(pair):
    ours, _ref = pair
    with pytest.raises(InputError, match="surrogate"):
        ours.encode("a\ud800b")
    with pytest.raises(InputError):
        ours.encode_batch(["ok", "a\ud800b"], disallowed_special=())
    with pytest.raises(TypeError):
        ours.encode(b"bytes")


def test_whole_text_matches_sentencepiece(pair, english_sample):
    """One long string with newlines and runs of spaces: merges may cross lines."""
    ours, ref = pair
    text = english_sample[:100_000] + "  \n\n   end  "
    assert ours.encode(text, disallowed_special=()) == ref.encode(text)


def test_llama_cpp_vectors(tokenizer_files):
    """llama.cpp's vectors for llama-spm were produced without BOS (HF add_special_tokens=False)."""
    vectors = tokenizer_files / "llama_cpp_vectors"
    cases = (vectors / "ggml-vocab-llama-spm.gguf.inp").read_text(encoding="utf-8").split("\n__ggml_vocab_test__\n")
    outs = (vectors / "ggml-vocab-llama-spm.gguf.out").read_text(encoding="utf-8").split("\n")
    cases, outs = cases[:-1], outs[:-1]  # the files end with a separator / newline
    assert len(cases) == len(outs) > 40
    tok = load(tokenizer_files / "llama2_tokenizer.model")
    for text, line in zip(cases, outs):
        assert tok.encode(text, disallowed_special=()) == [int(x) for x in line.split()], text


def test_round_trip_and_decode_like_sentencepiece(pair, ntrex_files):
    ours, ref = pair
    for path in ntrex_files[::8]:
        for line in _lines(path.read_text(encoding="utf-8"))[:50]:
            ids = ours.encode(line, disallowed_special=())
            assert ours.decode(ids) == ref.decode(ids)
            assert ours.decode(ids) == line.strip(" ") or ours.decode(ids) == line


def test_byte_fallback_spells_unknown_characters(tokenizer_files):
    tok = load(tokenizer_files / "llama2_tokenizer.model")
    text = "𒀀𒀁 ok"  # cuneiform: not in the vocabulary
    ids = tok.encode(text)
    assert [tok.model.token_bytes()[i] for i in ids[1:9]] == list(bytes([b]) for b in "𒀀𒀁".encode())
    assert tok.decode(ids) == text


def test_control_tokens_are_special(tokenizer_files):
    tok = load(tokenizer_files / "llama2_tokenizer.model")
    assert tok.special_tokens["<s>"] == 1 and tok.special_tokens["</s>"] == 2
    assert tok.encode("<s>hi", allowed_special="all")[0] == 1
    with pytest.raises(Exception, match="special token"):
        tok.encode("<s>hi")


def test_compiled_kernel_matches_python_twin(tokenizer_files, english_sample):
    tok = load(tokenizer_files / "mistral_v3_tokenizer.model")
    model = tok.model
    if model.core is None:
        pytest.skip("compiled core not built")
    words = set(tok.normalizer.normalize(english_sample[:20_000]).encode().split(b"\xe2\x96\x81"))
    words |= {"▁[REFERENCE_DOC_1]x▁ünï▁𒀀".encode(), "▁▁▁▁ab".encode(), b""}
    for word in words:
        assert model.encode_word(word) == model.encode_word_reference(word), word


def test_native_save_round_trip(tmp_path, tokenizer_files, english_sample):
    tok = load(tokenizer_files / "mistral_v3_tokenizer.model")
    tok.save(tmp_path / "m.json")
    again = load(tmp_path / "m.json")
    text = english_sample[:5000]
    assert again.encode(text) == tok.encode(text)
    assert again.decode(again.encode(text)) == tok.decode(tok.encode(text))


@pytest.mark.parametrize("cut", [1, 7, 100, 5000, -3])
def test_truncated_model_is_a_clear_error(tmp_path, tokenizer_files, cut):
    data = (tokenizer_files / "llama2_tokenizer.model").read_bytes()
    path = tmp_path / "bad.model"
    path.write_bytes(data[:cut])
    with pytest.raises(ModelFileError, match="bad.model"):
        load_sentencepiece(path)


def test_forged_model_is_a_clear_error(tmp_path):
    cases = {
        b"\x0a\x05\x0a\x03\xff\xfe\xfd": "UTF-8",          # piece text not UTF-8
        b"\x0a\x04\x18\x09\x0a\x00": "unknown type|no text",  # bad piece type
        b"\x0b\x00": "wire type",                         # group wire type
        b"": "no pieces",
        b"\x0a\x03\x0a\x01a": "unknown pieces",            # no <unk>
        b"\x0a\x80": "truncated",
    }
    for k, (data, message) in enumerate(cases.items()):
        path = tmp_path / f"forged{k}.model"
        path.write_bytes(data)
        with pytest.raises(ModelFileError, match=message):
            load_sentencepiece(path)
    with pytest.raises(ModelFileError, match="no such file"):
        load(tmp_path / "missing.model")


def test_empty_and_whitespace_text(pair):
    ours, ref = pair
    for text in ["", " ", "   ", "\n", " a ", "a  b"]:
        assert ours.encode(text) == ref.encode(text)
