import numpy as np
import pytest

from tokensmith.metrics.lengths import length_distribution
from tokensmith.metrics.vocab_audit import classify_bytes, vocab_audit
from tokensmith.metrics.vocab_use import vocab_use


def test_classify_bytes():
    assert classify_bytes("é".encode()) == "text"
    assert classify_bytes(b"\xc3") == "fragmentary"       # first byte of "é"
    assert classify_bytes(b"\xa9") == "fragmentary"       # its continuation byte
    assert classify_bytes(b"\xff") == "undecodable"       # never in UTF-8
    assert classify_bytes(b"a\xc0") == "undecodable"


def test_audit_by_hand(toy_class):
    # id 3 "ab" is never used by the toy's matcher: unreachable. id 5 has no surface: control.
    tok = toy_class(["a", "b", " a", "ab", "A", "<s>", "ａ"], never=[3], control=[5])
    a = vocab_audit(tok)
    assert a.control == 1 and a.unreachable == 1 and a.examples["unreachable"] == ["ab"]
    assert a.space_variants == 1         # "a" / " a"
    assert a.case_variants == 1          # "a" / "A"
    assert a.nfkc_variants == 1          # full-width "ａ" joins {a, A} only after NFKC
    assert a.reachable == 5


def test_use_and_lengths_by_hand(toy_class):
    tok = toy_class(["a", "bb", "ccc", "<s>"], control=[3])
    counts = np.array([3, 1, 0, 0])
    use = vocab_use(tok, counts, n_bytes=2_000_000)
    assert use.used == 2 and use.text_tokens == 3 and use.never_produced == 1
    assert use.used_share == pytest.approx(2 / 3) and use.used_per_mb == pytest.approx(1.0)
    assert use.never_produced_examples == ["ccc"]
    lengths = length_distribution(tok, counts)
    assert lengths.vocab_share[:3] == pytest.approx([1 / 3] * 3)
    assert lengths.usage_share[:3] == pytest.approx([3 / 4, 1 / 4, 0])
    assert lengths.usage_mean == pytest.approx((3 * 1 + 1 * 2) / 4)


def test_llama2_unreachable_are_the_shadowed_byte_pieces(tokenizer_files):
    """Independent check with sentencepiece: a byte piece <0xAB> is unreachable exactly when the
    byte is a character of its own that has a normal piece (ASCII)."""
    spm = pytest.importorskip("sentencepiece")
    from tokensmith.adapters import open_tokenizer

    path = str(tokenizer_files / "llama2_tokenizer.model")
    sp = spm.SentencePieceProcessor(model_file=path)
    expected = set()
    for i in range(sp.get_piece_size()):
        if sp.is_byte(i):
            b = int(sp.id_to_piece(i)[3:5], 16)
            if b < 0x80 and sp.piece_to_id(chr(b).replace(" ", "\u2581")) != sp.unk_id():
                expected.add(i)
    a = vocab_audit(open_tokenizer(path))
    assert a.unreachable == len(expected) == 96
    assert a.exact_duplicates == 96
    assert a.undecodable == 13 and a.control == 3


def test_r50k_has_every_entry_reachable(tiktoken_encodings, ts_tokenizers):
    ref = tiktoken_encodings["r50k"]
    a = vocab_audit(ts_tokenizers["r50k"])
    unreachable = 0
    for i in range(ref.n_vocab):
        s = ref.decode_single_token_bytes(i)
        try:
            text = s.decode("utf-8")
        except UnicodeDecodeError:
            continue
        unreachable += ref.encode_ordinary(text) != [i]
    assert a.unreachable == unreachable == 0
    assert a.undecodable + a.fragmentary + a.reachable + a.control == 50257


def test_audit_of_a_loaded_bert_tokenizer_json():
    """A Tokenizer object (not only an adapter) is audited: its special tokens ([PAD], [CLS] ...)
    are control entries, not text the probes would be refused for."""
    import sys
    from pathlib import Path

    import tokensmith
    from tokensmith.adapters import open_tokenizer

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from transplant_fixtures import minilm_dir

    path = minilm_dir() / "tokenizer.json"
    direct = vocab_audit(tokensmith.load(path))
    adapted = vocab_audit(open_tokenizer(str(path)))
    assert direct == adapted
    assert direct.control == 5 and direct.vocab_size == 30522
    assert direct.reachable > 29000
