"""Saving writes a file completely or not at all, with the usual mode, through symbolic links,
and fails with a SaveError that names the path."""

import json
import os
import stat

import pytest

import tokensmith
from tokensmith.errors import SaveError
from tokensmith.formats.atomic import TEMP_MARKER, atomic_write


@pytest.fixture(scope="module")
def tok(ntrex_files):
    lines = next(f for f in ntrex_files if f.name.endswith("deu.txt")).read_text(encoding="utf-8").splitlines()
    return tokensmith.train(lines[:100], vocab_size=300, progress=False)


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_honour_the_umask(tok, tmp_path, umask, mask, expected):
    umask(mask)
    for fmt, name in (("native", "t.json"), ("hf", "tokenizer.json"), ("tiktoken", "t.tiktoken")):
        tok.save(tmp_path / name, format=fmt)
        assert mode(tmp_path / name) == expected, fmt
    tok.save_pretrained(tmp_path / "folder")
    assert {mode(p) for p in (tmp_path / "folder").iterdir()} == {expected}


def test_an_existing_file_keeps_its_mode(tok, tmp_path, umask):
    path = tmp_path / "t.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    tok.save(path)
    assert mode(path) == 0o640 and tokensmith.load(path).vocab_size == tok.vocab_size


def test_saving_through_a_symlink_writes_the_target(tok, tmp_path):
    target = tmp_path / "real" / "t.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    tok.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert tokensmith.load(target).vocab_size == tok.vocab_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt(), ValueError("bug")])
def test_a_failed_save_leaves_nothing_behind(tok, tmp_path, monkeypatch, failure):
    def boom(*args, **kwargs):
        raise failure

    monkeypatch.setattr(json, "dump", boom)
    expected = SaveError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected):
        tok.save(tmp_path / "t.json")
    assert list(tmp_path.iterdir()) == []


def test_temporary_files_are_recognisable(tmp_path):
    with atomic_write(tmp_path / "t.json") as f:
        f.write("{}")
        names = [p.name for p in tmp_path.iterdir()]
    assert len(names) == 1 and names[0].startswith(".t.json" + TEMP_MARKER)
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_save_failures_name_the_path(tok, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SaveError, match=f"{blocker / 't.json'}: cannot write"):
        tok.save(blocker / "t.json")
    with pytest.raises(SaveError, match="is a directory"):
        tok.save(tmp_path)
    with pytest.raises(tokensmith.TokensmithError, match="unknown output format"):
        tok.save(tmp_path / "t.bin", format="bin")
