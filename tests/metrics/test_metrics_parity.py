import pytest

from tokensmith.errors import InputError
from tokensmith.metrics.parallel import read_parallel
from tokensmith.metrics.parity import parity
from tokensmith.metrics.scripts import detect_script, script_of

LINES = 200  # first lines of every NTREX file: all languages, in test time


def _write(root, name, lines):
    (root / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.fixture
def tiny_parallel(tmp_path):
    _write(tmp_path, "newstest2019-src.eng.txt", ["ab ab", "b"])
    _write(tmp_path, "newstest2019-ref.fra.txt", ["aab aab", "bb"])
    _write(tmp_path, "newstest2019-ref.rus.txt", ["жж", "ж"])
    (tmp_path / "LANGUAGES.tsv").write_text("fra French\nrus  Russian\n")
    return tmp_path


def test_premium_by_hand(tiny_parallel, toy_class):
    tok = toy_class(["a", "b", " ", "ab", "ж"])
    result = parity(tok, read_parallel(tiny_parallel), progress=False)
    # eng: [ab, " ", ab] + [b] = 4 tokens; fra: [a, ab, " ", a, ab] + [b, b] = 7; rus: 2 + 1 = 3
    by_code = {r.code: r for r in result.languages}
    assert result.pivot_tokens == 4
    assert by_code["fra"].premium == pytest.approx(7 / 4)
    assert by_code["rus"].premium == pytest.approx(3 / 4)
    assert by_code["fra"].mean_line_premium == pytest.approx((5 / 3 + 2 / 1) / 2)
    assert by_code["rus"].name == "Russian" and by_code["rus"].script == "Cyrillic"
    assert result.worst[0] == "fra" and result.best[0] == "rus"
    assert result.spread == pytest.approx((7 / 4) / (3 / 4))
    assert result.share_above_2 == 0
    assert {s.script for s in result.by_script} == {"Latin", "Cyrillic"}


def test_pivot_variants_are_listed_but_not_summarised(tiny_parallel, toy_class):
    _write(tiny_parallel, "newstest2019-ref.eng-GB.txt", ["ab ab", "b"])
    result = parity(toy_class(["a", "b", " ", "ab", "ж"]), read_parallel(tiny_parallel), progress=False)
    assert "eng-GB" in {r.code for r in result.languages}
    assert result.best[0] == "rus" and result.min_premium == pytest.approx(3 / 4)


def test_scripts():
    assert detect_script("Привет, мир") == "Cyrillic"
    assert detect_script("東京は晴れです") == "Japanese"
    assert detect_script("中文文本") == "Han"
    assert script_of("srp-Latn", "Здраво") == "Latin"  # the code's suffix wins


def test_premium_equals_tiktoken_on_ntrex(ntrex_dir, tiktoken_encodings, ts_tokenizers):
    corpus = read_parallel(ntrex_dir, max_lines=LINES)
    assert len(corpus.languages) + 1 == 128
    for name in ("cl100k", "r50k"):
        result = parity(ts_tokenizers[name], corpus, progress=False)
        ref = tiktoken_encodings[name]
        eng = sum(len(ids) for ids in ref.encode_ordinary_batch(corpus.pivot.lines))
        assert result.pivot_tokens == eng
        for row in result.languages:
            lines = (ntrex_dir / f"newstest2019-ref.{row.code}.txt").read_text(encoding="utf-8").split("\n")[:LINES]
            tokens = sum(len(ref.encode_ordinary(line)) for line in lines)
            assert row.tokens == tokens, (name, row.code)
            assert row.premium == pytest.approx(tokens / eng, rel=1e-12)
    # the paper's finding holds: cl100k is fairer than r50k on the median language
    cl, r50 = (parity(ts_tokenizers[n], corpus, progress=False) for n in ("cl100k", "r50k"))
    assert cl.median_premium < r50.median_premium


def test_misaligned_files(tiny_parallel):
    _write(tiny_parallel, "newstest2019-ref.deu.txt", ["nur eine Zeile"])
    with pytest.raises(InputError, match=r"newstest2019-ref.deu.txt: misaligned: 1 lines but the pivot .* has 2"):
        read_parallel(tiny_parallel)


def test_missing_pivot(tiny_parallel):
    (tiny_parallel / "newstest2019-src.eng.txt").unlink()
    with pytest.raises(InputError, match="pivot language 'eng' missing"):
        read_parallel(tiny_parallel)


def test_empty_language_and_missing_dir(tiny_parallel):
    (tiny_parallel / "newstest2019-ref.fra.txt").write_text("\n\n")
    with pytest.raises(InputError, match="fra.txt: empty language file"):
        read_parallel(tiny_parallel)
    with pytest.raises(InputError, match="no such directory"):
        read_parallel(tiny_parallel / "nope")
    with pytest.raises(InputError, match="languages not in the corpus: xyz"):
        read_parallel(tiny_parallel, languages=["xyz"])
