import base64

import pytest
import tiktoken
from tiktoken.load import load_tiktoken_bpe

import tokensmith
from tokensmith.errors import ModelFileError
from tokensmith.formats.tiktoken_file import load_tiktoken, read_ranks


def test_ranks_equal_tiktoken_loader(tokenizer_files):
    path = tokenizer_files / "r50k_base.tiktoken"
    ours = read_ranks(path)
    theirs = load_tiktoken_bpe(str(path))
    assert len(ours) == len(theirs) == 50256
    assert all(theirs[t] == i for i, t in enumerate(ours))


def test_known_files_get_pattern_and_specials(tokenizer_files):
    tok = tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")
    assert tok.splitter.name == "cl100k"
    assert tok.special_tokens["<|endoftext|>"] == 100257
    assert tok.vocab_size == 100277
    ref = tiktoken.get_encoding  # noqa: F841 - names only; ids compared in test_compat_tiktoken


def test_export_round_trip(tmp_path, tokenizer_files):
    tok = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    out = tmp_path / "copy.tiktoken"
    tok.save(out, format="tiktoken")
    assert out.read_bytes() == (tokenizer_files / "r50k_base.tiktoken").read_bytes()


@pytest.mark.parametrize("content, message", [
    (b"", "no tokens"),
    (b"QQ== 0\nQg== x\n", "line 2"),
    (b"QQ== 0\nQg== 0\n", "appears twice"),
    (b"QQ== 1\n", "ranks are not"),
    (b"!!!! 0\n", "line 1"),
])
def test_forged_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.tiktoken"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=message) as info:
        load_tiktoken(path, pattern="gpt2")
    assert str(path) in str(info.value)


def test_truncated_file_is_refused(tmp_path, tokenizer_files):
    data = (tokenizer_files / "r50k_base.tiktoken").read_bytes()
    path = tmp_path / "r50k_base.tiktoken"
    path.write_bytes(data[: len(data) // 2])
    # Half a file: ranks still 0..n-1 for the lines kept, but the last line is cut mid-way.
    with pytest.raises(ModelFileError):
        load_tiktoken(path)


def test_unknown_vocabulary_needs_a_pattern(tmp_path):
    path = tmp_path / "small.tiktoken"
    path.write_text("".join(f"{base64.b64encode(bytes([b])).decode()} {b}\n" for b in range(256)))
    with pytest.raises(ModelFileError, match="pattern"):
        load_tiktoken(path)
    tok = load_tiktoken(path, pattern="gpt2")
    assert tok.encode("ab") == [97, 98]
