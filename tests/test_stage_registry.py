"""Every stage type any module registers is loadable in a fresh process that imported nothing else.

A saved tokenizer names its stages by type; loading it must not depend on which modules the
process happened to import before (a Unigram file loaded right after ``import tokensmith``).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import tokensmith
from tokensmith import components

# Scale-out and reporting modules need optional extras and register no stages.
OPTIONAL = ("tokensmith.distributed", "tokensmith.report", "tokensmith.adapters")


def all_registered_types() -> set[tuple[str, str]]:
    for info in pkgutil.walk_packages(tokensmith.__path__, "tokensmith."):
        if info.name.startswith(OPTIONAL) or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    return set(components._REGISTRY)


def test_provider_modules_register_every_stage_type():
    script = ("import json, importlib, tokensmith.components as c\n"
              "[importlib.import_module(m) for m in c.PROVIDER_MODULES]\n"
              "print(json.dumps(sorted(c._REGISTRY)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    in_fresh_process = {tuple(k) for k in json.loads(out.stdout)}
    everything = all_registered_types()
    assert len(everything) > 15
    assert everything - in_fresh_process == set()


def test_saved_unigram_tokenizer_loads_in_a_fresh_process(tmp_path, english_sample):
    from tokensmith.models.unigram.model import UnigramModel  # noqa: F401  (registers the model here)

    corpus = english_sample.splitlines()[:3000]
    tok = tokensmith.train(corpus, method="unigram", vocab_size=400)
    path = tmp_path / "unigram.json"
    tok.save(path)
    script = ("import sys, tokensmith\n"
              "t = tokensmith.Tokenizer.load(sys.argv[1])\n"
              "print(type(t.model).__name__, t.encode('the cat sat'))")
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"UnigramModel {tok.encode('the cat sat')}\n"
