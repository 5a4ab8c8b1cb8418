import base64
import itertools
import json
import os
import subprocess
import sys

import pytest
import regex
import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st
from tiktoken.load import load_tiktoken_bpe

import tokensmith
from tokensmith.errors import InputError, ModelFileError, OptionError, SaveError
from tokensmith.formats.tiktoken_file import load_tiktoken, read_ranks
from tokensmith.pre_tokenizers.patterns import GPT2, from_fancy_regex


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


# -- ranks with gaps (p50k) ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def p50k(tokenizer_files):
    path = tokenizer_files / "p50k_base.tiktoken"
    ranks = load_tiktoken_bpe(str(path))
    reference = tiktoken.Encoding("p50k_base", pat_str=GPT2, mergeable_ranks=ranks,
                                  special_tokens={"<|endoftext|>": 50256}, explicit_n_vocab=50281)
    return tokensmith.load(path), reference


def ntrex_sample(ntrex_files, languages=24, lines=60):
    """The first lines of a spread of NTREX languages (every script family is in the spread)."""
    step = max(1, len(ntrex_files) // languages)
    return ["\n".join(p.read_text(encoding="utf-8").split("\n")[:lines]) for p in ntrex_files[::step]]


def test_p50k_gap_gives_tiktoken_ids_on_ntrex(p50k, ntrex_files):
    ours, reference = p50k
    assert ours.splitter.name == "p50k" and ours.special_tokens == {"<|endoftext|>": 50256}
    assert ours.vocab_size == reference.n_vocab == 50281
    assert ours.model.holes == {50256}
    texts = ntrex_sample(ntrex_files) + ["a <|endoftext|> b", "<|endoftext|>" * 3]
    for text in texts:
        ids = ours.encode_ordinary(text)
        assert ids == reference.encode_ordinary(text)
        assert 50256 not in ids  # the unassigned rank is never produced
        assert ours.decode(ids) == text
    special = "x<|endoftext|>y"
    assert ours.encode(special, allowed_special="all") == reference.encode(special, allowed_special="all")


def test_p50k_gap_decodes_to_its_special_or_is_an_error(p50k, tokenizer_files):
    ours, reference = p50k
    assert ours.decode([40, 50256, 40]) == reference.decode([40, 50256, 40]) == "I<|endoftext|>I"
    assert ours.token_bytes(50256) == b"<|endoftext|>"
    bare = load_tiktoken(tokenizer_files / "p50k_base.tiktoken", pattern="p50k", special_tokens={})
    for call in (lambda: bare.decode([40, 50256]), lambda: bare.decode(iter([50256])),
                 lambda: bare.token_bytes(50256)):
        with pytest.raises(InputError, match="50256 is not assigned"):
            call()


def test_p50k_writes_back_identically(p50k, tokenizer_files, tmp_path):
    ours, _ = p50k
    out = tmp_path / "p50k_base.tiktoken"
    ours.save(out, format="tiktoken")
    assert out.read_bytes() == (tokenizer_files / "p50k_base.tiktoken").read_bytes()
    again = tokensmith.load(out)
    assert again.model.holes == {50256} and again.special_tokens == ours.special_tokens
    native = tmp_path / "p50k.json"
    ours.save(native)
    back = tokensmith.load(native)
    assert back.model.holes == {50256} and back.decode([50256]) == "<|endoftext|>"


# -- lines as tiktoken's loader reads them ----------------------------------------------------------

def byte_lines(count=256):
    return [f"{base64.b64encode(bytes([b])).decode()} {b}" for b in range(count)]


def test_lines_tiktoken_accepts_are_accepted(tmp_path):
    lines = byte_lines()
    lines[3] = "  " + lines[3] + " \t "            # surrounding whitespace
    lines[7] = lines[7].replace(" ", "\t")         # a tab between the fields
    text = "\r\n".join(lines[:100]) + "\n\n\n" + "\n".join(lines[100:]) + "\n"  # CRLF and blank lines
    path = tmp_path / "loose.tiktoken"
    path.write_bytes(text.encode())
    ours = read_ranks(path)
    theirs = load_tiktoken_bpe(str(path))
    assert {t: i for i, t in enumerate(ours)} == theirs


@pytest.mark.parametrize("line, message", [
    ("QQ==", "expected 'base64-token rank'"),
    ("QQ== 1 2", "expected 'base64-token rank'"),
    ("   ", "expected 'base64-token rank'"),
    ("QQ= 300", "not a base64 token"),
    ("QQ== 3.5", "not a base64 token"),
])
def test_lines_tiktoken_rejects_are_clear_errors(tmp_path, line, message):
    path = tmp_path / "bad.tiktoken"
    path.write_text("\n".join(byte_lines()[:10] + [line] + byte_lines()[10:]) + "\n")
    with pytest.raises(ValueError):
        load_tiktoken_bpe(str(path))
    with pytest.raises(ModelFileError, match=f"line 11: {message}") as info:
        read_ranks(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("line, message", [
    ("QQ== -1", "negative rank"),
    ("QQ== 300", "already has a rank on line 66"),
    ("QUI= 4000000000", "only 257 are assigned"),
])
def test_lines_refused_beyond_tiktoken_say_why(tmp_path, line, message):
    path = tmp_path / "bad.tiktoken"
    path.write_text("\n".join(byte_lines() + [line]) + "\n")
    with pytest.raises(ModelFileError, match=message):
        read_ranks(path)


# -- where the pattern and the special tokens come from ---------------------------------------------

def small_vocabulary(tmp_path, name="small.tiktoken"):
    """256 bytes plus a few merges: a vocabulary no known pattern belongs to."""
    tokens = [bytes([b]) for b in range(256)] + [b"th", b"the", b" the", b"in", b"ing", b"!!"]
    path = tmp_path / name
    path.write_text("".join(f"{base64.b64encode(t).decode()} {i}\n" for i, t in enumerate(tokens)))
    return path, {t: i for i, t in enumerate(tokens)}


PATTERN = r"""\p{L}+|\p{N}|[^\p{L}\p{N}\s]+|\s+$|\s"""
TEXTS = ["the thing  ", "singing 123!!\n", "x \n", "the\n\n", "  !!"]


def test_pattern_argument_gives_tiktoken_ids(tmp_path):
    path, ranks = small_vocabulary(tmp_path)
    ours = tokensmith.load(path, pattern=PATTERN, special_tokens={"<|end|>": 300})
    ref = tiktoken.Encoding("small", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={"<|end|>": 300})
    for text in TEXTS:
        assert ours.encode(text) == ref.encode(text)
    assert ours.encode("a<|end|>", allowed_special="all") == ref.encode("a<|end|>", allowed_special="all")


def test_pattern_from_tokenizer_config_beside_the_file(tmp_path):
    path, ranks = small_vocabulary(tmp_path)
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({
        "pat_str": PATTERN, "added_tokens_decoder": {"300": {"content": "<|end|>", "special": True}}}))
    ours = tokensmith.load(path)
    ref = tiktoken.Encoding("small", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={"<|end|>": 300})
    assert ours.special_tokens == {"<|end|>": 300}
    for text in TEXTS:
        assert ours.encode(text) == ref.encode(text)
    assert tokensmith.load(path, pattern="gpt2").splitter.name == "gpt2"  # the argument wins


def test_written_file_remembers_pattern_and_specials(tmp_path):
    path, _ = small_vocabulary(tmp_path)
    original = tokensmith.load(path, pattern=r"[\p{L}&&\p{Lu}]+|[^\p{Lu}]+", special_tokens={"<|end|>": 262})
    out = tmp_path / "out" / "mine.tiktoken"
    original.save(out, format="tiktoken")
    sidecar = json.loads((tmp_path / "out" / "mine.tiktoken.json").read_text())
    assert sidecar["special_tokens"] == {"<|end|>": 262} and sidecar["pattern_syntax"] == "regex"
    loaded = tokensmith.load(out)  # no pattern given
    text = "The THING sang <|end|> Ünïcode ÄÖ"
    assert loaded.splitter.pattern == original.splitter.pattern
    assert loaded.encode(text, allowed_special="all") == original.encode(text, allowed_special="all")
    assert loaded.name == original.name


def test_cli_pattern_option(tmp_path):
    path, ranks = small_vocabulary(tmp_path)
    done = subprocess.run([sys.executable, "-m", "tokensmith", "encode", str(path), "--pattern", PATTERN,
                           "--text", "the thing  ", "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ref = tiktoken.Encoding("small", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={})
    assert json.loads(done.stdout) == ref.encode("the thing  ")


@pytest.mark.parametrize("name, content, message", [
    ("small.tiktoken.json", "[1, 2]", "expected a JSON object"),
    ("small.tiktoken.json", '{"pattern": 3}', "'pattern' must be a non-empty string"),
    ("small.tiktoken.json", '{"pattern": "a", "pattern_syntax": "pcre"}', "pattern_syntax"),
    ("small.tiktoken.json", '{"pattern": "(unclosed"}', r"invalid fancy regex '\(unclosed': missing \)"),
    ("tokenizer_config.json", '{"pat_str": "x", "special_tokens": {"a": -1}}', "non-negative ids"),
    ("tokenizer_config.json", '{"pat_str": "x", "added_tokens_decoder": {"7": 1}}', "added_tokens_decoder"),
])
def test_bad_settings_files_name_themselves(tmp_path, name, content, message):
    path, _ = small_vocabulary(tmp_path)
    (tmp_path / name).write_text(content)
    with pytest.raises(ModelFileError, match=message) as info:
        tokensmith.load(path)
    assert str(tmp_path / name) in str(info.value)


def test_bad_pattern_argument_is_an_option_error(tmp_path):
    path, _ = small_vocabulary(tmp_path)
    with pytest.raises(OptionError, match=r"invalid fancy regex '\(unclosed': missing \)"):
        tokensmith.load(path, pattern="(unclosed")


# -- fancy-regex patterns keep their meaning ------------------------------------------------------

FANCY = [
    r"""\S+$|\S|\s+""",                                  # $: end of text only in Rust
    r"""[\p{L}&&\p{Lu}]+|[\p{L}--\p{Lu}]+|\P{L}""",      # class intersection and difference
    r"""(?i:'s|'t)|[^\s\p{L}]+$|\p{L}+|\s+(?!\S)|\s|.""",
    r"""(?i:ss|ǆ)|[\p{L}~~[a-z]]+|\S+$|\s+\Z|[\s--\n]+|\n|.""",  # simple case folding, ~~, \Z
    r"""(?m)^\S+$|(?u)\w+|[-!]+|\s|.""",                 # line anchors, a leading - in a class
    r"""(?i)[a-zß]+|\p{N}{1,3}+|[^\s\p{L}\p{N}]++|\p{L}+|\s+(?!\S)|\s""",  # a class under (?i)
]
# (Each matches every character: tiktoken drops what a pattern leaves out, tokensmith keeps it.)
ALPHABET = "Ab1! \n'sStÄüǅß"
# Every string of up to three of these characters is a token, so where a piece ends shows in the ids.
alphabet_text = st.text(st.sampled_from(ALPHABET), max_size=10)
fancy_text = st.tuples(alphabet_text, st.text(st.characters(blacklist_categories=("Cs",)), max_size=3),
                       alphabet_text).map("".join)


@pytest.fixture(scope="module")
def fancy_vocabulary(tmp_path_factory):
    tokens = [bytes([b]) for b in range(256)]
    chars = [c.encode() for c in ALPHABET]
    for size in (1, 2, 3):
        for combo in itertools.product(chars, repeat=size):
            token = b"".join(combo)
            if token not in tokens:
                tokens.append(token)
    path = tmp_path_factory.mktemp("fancy") / "fancy.tiktoken"
    path.write_text("".join(f"{base64.b64encode(t).decode()} {i}\n" for i, t in enumerate(tokens)))
    return path, {t: i for i, t in enumerate(tokens)}


@pytest.fixture(scope="module")
def fancy_pairs(fancy_vocabulary):
    path, ranks = fancy_vocabulary
    return {pattern: (tokensmith.load(path, pattern=pattern),
                      tiktoken.Encoding(f"fancy{k}", pat_str=pattern, mergeable_ranks=ranks, special_tokens={}))
            for k, pattern in enumerate(FANCY)}


@pytest.mark.parametrize("pattern", FANCY)
@settings(max_examples=300, deadline=None)
@given(text=fancy_text)
def test_fancy_regex_patterns_split_as_tiktoken(fancy_pairs, pattern, text):
    ours, ref = fancy_pairs[pattern]
    assert ours.encode_ordinary(text) == ref.encode_ordinary(text)


def test_fancy_regex_translation_reads_as_rust_and_is_stable():
    def matches(pattern, text):
        return regex.findall(from_fancy_regex(pattern), text)

    assert matches(r"\s+$", "a \nb \n") == [" \n"]          # $: the end of the text only
    assert matches(r"(?m)a$", "a\na") == ["a", "a"]             # (?m): the end of any line
    assert matches(r"[$]\$", "$$ $") == ["$$"]
    for pattern in FANCY:
        once = from_fancy_regex(pattern)
        assert from_fancy_regex(once) == once


def test_p50k_as_hf_tokenizer_json(p50k, tmp_path, ntrex_files):
    tokenizers = pytest.importorskip("tokenizers") if not os.environ.get("CI") else __import__("tokenizers")
    ours, _ = p50k
    out = tmp_path / "p50k.json"
    ours.save(out, format="hf")  # the special token fills its unassigned id in HF's dense vocabulary
    hf = tokenizers.Tokenizer.from_file(str(out))
    for text in ntrex_sample(ntrex_files, languages=8) + ["a<|endoftext|>b"]:
        assert hf.encode(text).ids == ours.encode(text, allowed_special="all")

def test_unassigned_id_without_special_is_refused_by_hf_export(tokenizer_files, tmp_path):
    bare = load_tiktoken(tokenizer_files / "p50k_base.tiktoken", pattern="p50k", special_tokens={})
    with pytest.raises(SaveError, match="id 50256 is unassigned"):
        bare.save(tmp_path / "bare.json", format="hf")
