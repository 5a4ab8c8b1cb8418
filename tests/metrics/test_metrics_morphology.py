import pytest

from tokensmith.errors import InputError
from tokensmith.metrics.morphology import boundaries, morphology, read_gold

GOLD = """# word<TAB>morphs
unhappiness\tun happi ness
walked\twalk ed
cats\tcat s
reconsideration\tre consider ation
kindly\tkind ly
impossibility\tim possib ility
"""


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.tsv"
    path.write_text(GOLD, encoding="utf-8")
    return path


def test_boundaries():
    assert boundaries([b"un", b"happi", b"ness"]) == {2, 7}
    assert boundaries([b"cats"]) == set()


def test_by_hand(toy_class):
    tok = toy_class([" ", "walk", "ed", "wal", "ked", "cat", "s", "cats"])
    gold = [("walked", ["walk", "ed"]), ("cats", ["cat", "s"])]
    # walked -> walk|ed (boundary {4} = gold); cats -> cats (no boundary, gold {3})
    m = morphology(tok, gold)
    assert (m.precision, m.recall, m.exact) == (1.0, 0.5, 0.5)
    assert m.f1 == pytest.approx(2 * 0.5 / 1.5)
    assert m.tokens_per_word == 1.5 and m.morphs_per_word == 2.0


def test_against_tiktoken(gold_file, tiktoken_encodings, ts_tokenizers):
    gold = read_gold(gold_file)
    for name in ("cl100k", "r50k"):
        ref = tiktoken_encodings[name]
        hits = predicted = expected = 0
        for word, morphs in gold:
            pieces = [ref.decode_single_token_bytes(i).strip() for i in ref.encode_ordinary(" " + word)]
            got = boundaries([p for p in pieces if p])
            want = boundaries([m.encode() for m in morphs])
            hits, predicted, expected = hits + len(got & want), predicted + len(got), expected + len(want)
        m = morphology(ts_tokenizers[name], gold)
        assert m.precision == pytest.approx(hits / predicted)
        assert m.recall == pytest.approx(hits / expected)
        assert m.words == len(gold) and m.unaligned == 0


def test_bad_gold(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("walked\twal ked x\n")
    with pytest.raises(InputError, match="bad.tsv: line 1: morphs 'wal ked x' do not spell the word 'walked'"):
        read_gold(bad)
    bad.write_text("walked walk ed\n")
    with pytest.raises(InputError, match="line 1: expected 'word<TAB>morph1 morph2 ...'"):
        read_gold(bad)
    bad.write_text("# nothing\n")
    with pytest.raises(InputError, match="no entries"):
        read_gold(bad)
