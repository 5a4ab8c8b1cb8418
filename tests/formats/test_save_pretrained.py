"""``save_pretrained`` folders: what ``transformers.AutoTokenizer.from_pretrained`` reads offline,
with the same ids as tokensmith and the special-token roles set."""

import json

import pytest

import tokensmith
from tokensmith.errors import OptionError, SaveError

transformers = pytest.importorskip("transformers")


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def lines(ntrex_files):
    picks = [f for f in ntrex_files if f.name.endswith(("src.eng.txt", "deu.txt", "rus.txt", "zho-CN.txt", "hin.txt"))]
    return [line for f in picks for line in f.read_text(encoding="utf-8").splitlines()[:120]]


@pytest.fixture(scope="module")
def bpe(lines):
    return tokensmith.train(lines, vocab_size=700, special_tokens=["<s>", "</s>", "<pad>", "<unk>"], progress=False)


@pytest.fixture(scope="module")
def wordpiece(lines):
    return tokensmith.train(lines, method="wordpiece", vocab_size=1500, progress=False)


def _auto(folder):
    return transformers.AutoTokenizer.from_pretrained(str(folder))


def test_folder_files_and_roles(bpe, lines, tmp_path):
    bpe.save_pretrained(tmp_path / "tok", model_max_length=2048)
    assert sorted(p.name for p in (tmp_path / "tok").iterdir()) == [
        "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"]
    config = json.loads((tmp_path / "tok" / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert config["model_max_length"] == 2048
    assert {k: config[k] for k in ("bos_token", "eos_token", "pad_token", "unk_token")} == {
        "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
    assert json.loads((tmp_path / "tok" / "special_tokens_map.json").read_text())["eos_token"] == "</s>"

    auto = _auto(tmp_path / "tok")
    assert (auto.bos_token, auto.eos_token, auto.pad_token, auto.unk_token) == ("<s>", "</s>", "<pad>", "<unk>")
    assert auto.eos_token_id == bpe.special_tokens["</s>"] and auto.pad_token_id == bpe.special_tokens["<pad>"]
    assert auto.model_max_length == 2048
    again = tokensmith.load(tmp_path / "tok")
    for text in lines[::7]:
        ids = bpe.encode(text)
        assert auto(text)["input_ids"] == ids
        assert again.encode(text) == ids
        assert auto.decode(ids) == text


def test_wordpiece_folder_wraps_like_bert(wordpiece, lines, tmp_path):
    wordpiece.save_pretrained(tmp_path)
    auto = _auto(tmp_path)
    assert (auto.cls_token, auto.sep_token, auto.mask_token, auto.pad_token, auto.unk_token) == (
        "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]")
    for text in lines[::11]:
        ids = wordpiece.encode(text)
        assert auto(text, add_special_tokens=False)["input_ids"] == ids
        assert auto(text)["input_ids"] == [auto.cls_token_id, *ids, auto.sep_token_id]


def test_unigram_role_of_the_model_unknown_piece(lines, tmp_path):
    unigram = tokensmith.train(lines, method="unigram", vocab_size=1500, special_tokens=["<s>", "</s>"],
                               progress=False)
    unigram.save_pretrained(tmp_path)
    auto = _auto(tmp_path)
    assert (auto.unk_token, auto.bos_token, auto.eos_token) == ("<unk>", "<s>", "</s>")
    for text in lines[::9]:
        assert auto(text)["input_ids"] == unigram.encode(text)


def test_explicit_roles(bpe, tmp_path):
    bpe.save_pretrained(tmp_path, roles={"eos_token": "<s>", "bos": None, "pad": "</s>"})
    auto = _auto(tmp_path)
    assert auto.eos_token == "<s>" and auto.pad_token == "</s>" and auto.bos_token is None
    with pytest.raises(SaveError, match="unknown special-token role 'beginning'"):
        bpe.save_pretrained(tmp_path / "x", roles={"beginning": "<s>"})
    with pytest.raises(SaveError, match="'<bos>' is not a special token"):
        bpe.save_pretrained(tmp_path / "y", roles={"bos": "<bos>"})
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_gpt2_style_end_of_text_is_eos(lines, tmp_path):
    tok = tokensmith.train(lines, vocab_size=600, special_tokens=["<|endoftext|>"], progress=False)
    tok.save_pretrained(tmp_path)
    assert _auto(tmp_path).eos_token == "<|endoftext|>"


def test_save_hf_to_a_directory_writes_a_folder(bpe, lines, tmp_path):
    bpe.save(tmp_path, format="hf")
    assert (tmp_path / "tokenizer.json").is_file() and (tmp_path / "tokenizer_config.json").is_file()
    bpe.save(f"{tmp_path / 'new'}/", format="hf")  # a path ending with '/' is a folder too
    assert (tmp_path / "new" / "tokenizer.json").is_file()
    assert _auto(tmp_path / "new")(lines[0])["input_ids"] == bpe.encode(lines[0])
    bpe.save(tmp_path / "single.json", format="hf")  # any other path is the one file
    assert json.loads((tmp_path / "single.json").read_text())["model"]["type"] == "BPE"
    with pytest.raises(OptionError, match="folder"):
        from tokensmith.formats.hf_json import save_hf_json

        save_hf_json(bpe, tmp_path / "other.json", roles={"eos": "</s>"})


def test_refused_family_leaves_the_folder_empty(lines, tmp_path):
    scaffold = tokensmith.train(lines, method="scaffold_bpe", vocab_size=600, progress=False)
    with pytest.raises(SaveError, match="native format"):
        scaffold.save_pretrained(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_load_folder_prefers_tokenizer_json_and_reports_empty_folders(bpe, tmp_path):
    with pytest.raises(tokensmith.ModelFileError, match="no tokenizer file"):
        tokensmith.load(tmp_path)
    bpe.save_pretrained(tmp_path)
    assert tokensmith.load(tmp_path).special_tokens == bpe.special_tokens
