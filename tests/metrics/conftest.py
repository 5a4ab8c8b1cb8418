"""A toy tokenizer whose ids can be worked out by hand, and the real tokenizers via tiktoken."""

from __future__ import annotations

import importlib
import os

import pytest


class ToyTokenizer:
    """Greedy longest match over ``vocab`` (strings), skipping entries in ``never`` when matching.

    ``ToyTokenizer(["a", "b", "ab"]).encode("abb") == [2, 1]``. ``control`` ids have no surface;
    characters no entry covers are dropped.
    """

    backend = "toy"

    def __init__(self, vocab, never=(), control=(), name="toy"):
        self.vocab = list(vocab)
        self.never = set(never)
        self.control = set(control)
        self.name = name

    @property
    def vocab_size(self):
        return len(self.vocab)

    def encode(self, text):
        ids, i = [], 0
        usable = [(len(v), k, v) for k, v in enumerate(self.vocab)
                  if k not in self.never and k not in self.control]
        usable.sort(reverse=True)
        while i < len(text):
            for _, k, v in usable:
                if v and text.startswith(v, i):
                    ids.append(k)
                    i += len(v)
                    break
            else:
                i += 1  # characters the toy vocabulary lacks are dropped
        return ids

    def encode_batch(self, texts):
        return [self.encode(t) for t in texts]

    def decode(self, ids):
        return "".join(self.vocab[i] for i in ids)

    def token_bytes(self, i):
        return None if i in self.control else self.vocab[i].encode("utf-8")


def need(module: str):
    """Import a reference library: skipped where it is missing, but a failure in CI."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


@pytest.fixture(scope="session")
def reference():
    """``reference("tokenizers")``: the module, or a skip (a failure in CI) when it is missing."""
    return need


@pytest.fixture
def toy_class():
    return ToyTokenizer


@pytest.fixture(scope="session")
def tiktoken_encodings(tokenizer_files):
    """The reference encodings, built directly with tiktoken from the shared files."""
    tiktoken = pytest.importorskip("tiktoken")
    from tiktoken.load import load_tiktoken_bpe

    from tokensmith.pre_tokenizers.patterns import CL100K, GPT2

    out = {}
    for name, pattern in (("r50k", GPT2), ("cl100k", CL100K)):
        ranks = load_tiktoken_bpe(str(tokenizer_files / f"{name}_base.tiktoken"))
        out[name] = tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
    return out


@pytest.fixture(scope="session")
def ts_tokenizers(tokenizer_files):
    """The same files opened by tokensmith (native loader)."""
    from tokensmith.adapters import open_tokenizer

    return {name: open_tokenizer(f"{name}={tokenizer_files / (name + '_base.tiktoken')}")
            for name in ("r50k", "cl100k")}
