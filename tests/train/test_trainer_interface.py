"""Every training method follows one interface: declared options checked by name and type, a
str corpus always a path, one warning when the corpus cannot fill the vocabulary."""

from __future__ import annotations

import inspect
import json
import warnings

import pytest

from tokensmith.errors import InputError, OptionError, SmallCorpusWarning
from tokensmith.trainers import TRAINERS, options_of, register_trainer, train
from tokensmith.trainers.options import own_specs, specs

METHODS = sorted(TRAINERS)
# SaGe's skip-gram rounds dominate on small corpora: fewer, smaller ones keep the tests fast.
FAST = {"sage": {"dim": 8, "epochs": 1, "prune_fraction": 0.5}}


def corpus_for(method: str, corpus):
    """XLM-V takes {language: corpus}; every other method one corpus."""
    return {"en": corpus} if method == "xlmv" else corpus


@pytest.fixture(scope="module")
def english_file(tmp_path_factory, english_sample):
    text = english_sample[:20_000]
    path = tmp_path_factory.mktemp("corpus") / "english.txt"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("method", METHODS)
def test_signature_is_the_declaration(method):
    trainer = TRAINERS[method].load() if hasattr(TRAINERS[method], "load") else TRAINERS[method]
    params = list(inspect.signature(trainer).parameters.values())
    declared = specs(options_of(method))
    assert [p.name for p in params] == ["corpus"] + [s.name for s in declared]
    assert all(p.default == (s.default if not s.required else inspect.Parameter.empty)
               for p, s in zip(params[1:], declared))
    assert all(s.help for s in declared), [s.name for s in declared if not s.help]
    shared = {"vocab_size", "special_tokens", "num_workers", "progress", "errors", "text_field", "name"}
    assert shared <= {s.name for s in declared}


@pytest.mark.parametrize("method", METHODS)
def test_unknown_option_lists_the_methods_options(method):
    with pytest.raises(OptionError) as info:
        train(corpus_for(method, ["some text"]), method=method, vocab_size=400, vocab_sise=3)
    message = str(info.value)
    assert "vocab_sise" in message and "did you mean vocab_size" in message
    assert all(s.name in message for s in specs(options_of(method)))


@pytest.mark.parametrize("method", METHODS)
def test_wrong_type_names_the_option_and_the_type(method):
    with pytest.raises(OptionError, match=r"vocab_size must be an integer, got '400'"):
        train(corpus_for(method, ["some text"]), method=method, vocab_size="400")
    with pytest.raises(OptionError, match=r"progress must be true or false"):
        train(corpus_for(method, ["some text"]), method=method, vocab_size=400, progress=print)
    with pytest.raises(OptionError, match=r"special_tokens must be a list of strings, got '<s>'"):
        train(corpus_for(method, ["some text"]), method=method, vocab_size=400, special_tokens="<s>")
    with pytest.raises(OptionError, match=r"errors must be one of 'strict', 'replace', 'ignore'"):
        train(corpus_for(method, ["some text"]), method=method, vocab_size=400, errors="skip")


@pytest.mark.parametrize("method", METHODS)
def test_a_str_corpus_is_always_a_path(method, english_file):
    path, text = english_file
    with pytest.raises(InputError, match=r"corpus 'hello world' is not a file or directory; pass a list "
                                         r"of texts for in-memory text"):
        train(corpus_for(method, "hello world"), method=method, vocab_size=300, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCorpusWarning)
        options = dict(vocab_size=300, progress=False, **FAST.get(method, {}))
        from_path = train(corpus_for(method, str(path)), method=method, **options)
        from_texts = train(corpus_for(method, [text]), method=method, **options)
    assert json.dumps(from_path.to_dict()) == json.dumps(from_texts.to_dict())


@pytest.mark.parametrize("method", METHODS)
def test_small_corpus_gives_a_smaller_vocabulary_with_one_warning(method):
    corpus = corpus_for(method, ["hello world, hello there"] * 20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tok = train(corpus, method=method, vocab_size=400, progress=False)
    small = [w for w in caught if issubclass(w.category, SmallCorpusWarning)]
    assert len(small) == 1 and len(caught) == 1, [str(w.message) for w in caught]
    assert tok.vocab_size < 400
    assert str(small[0].message).startswith(
        f"{method}: the corpus supports {tok.vocab_size:,} ids, fewer than vocab_size=400")
    assert small[0].filename == __file__  # points at the caller, not into the library


def test_enough_corpus_gives_the_size_asked_without_warning(english_sample):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in ("bpe", "unigram", "wordpiece", "sage"):
            tok = train([english_sample[:60_000]], method=method, vocab_size=400, progress=False,
                        **FAST.get(method, {}))
            assert tok.vocab_size == 400


def test_num_threads_is_an_old_name_of_num_workers(english_sample):
    text = [english_sample[:20_000]]
    with pytest.warns(DeprecationWarning, match="num_threads is deprecated: use num_workers"):
        old = train(text, method="unigram", vocab_size=300, num_threads=2, progress=False)
    new = train(text, method="unigram", vocab_size=300, num_workers=2, progress=False)
    assert json.dumps(old.to_dict()) == json.dumps(new.to_dict())
    with pytest.raises(OptionError, match="give num_workers only"):
        train(text, method="unigram", vocab_size=300, num_threads=2, num_workers=2)


def test_only_vocab_size_may_be_positional():
    from tokensmith.trainers.sage import train_sage

    with pytest.raises(OptionError, match="only the corpus and vocab_size may be given by position"):
        train_sage(["text"], 300, "cl100k")


def test_corpus_by_language_only_for_xlmv():
    with pytest.raises(OptionError, match="takes a mapping"):
        train(["text"], method="xlmv", vocab_size=300)
    with pytest.raises(OptionError, match="not a mapping"):
        train({"en": ["text"]}, method="sage", vocab_size=300)


def test_a_trainer_without_declaration_is_checked_by_its_signature():
    calls = []

    def toy(corpus, vocab_size, *, strength=1):
        calls.append((vocab_size, strength))
        return "trained"

    register_trainer("toy_method", toy)
    try:
        assert train(["x"], method="toy_method", vocab_size=5, strength=2) == "trained"
        with pytest.raises(OptionError, match="toy_method.*unexpected keyword argument 'strenght'"):
            train(["x"], method="toy_method", vocab_size=5, strenght=2)
        assert calls == [(5, 2)] and options_of("toy_method") is None
    finally:
        del TRAINERS["toy_method"]


def test_a_type_error_inside_a_trainer_is_not_taken_for_an_option_error():
    def broken(corpus, vocab_size):
        raise TypeError("unexpected keyword argument inside the trainer")

    register_trainer("broken_method", broken)
    try:
        with pytest.raises(TypeError):
            train(["x"], method="broken_method", vocab_size=5)
    finally:
        del TRAINERS["broken_method"]


def test_docs_table_of_options_is_generated_from_the_declarations():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    import tokensmith

    # The tokensmith this test imports (site-packages in CI, src/ in a development build).
    env = {**os.environ, "PYTHONPATH": str(Path(tokensmith.__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, str(root / "tools" / "gen_method_options.py"), "--check"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    doc = (root / "docs" / "methods.md").read_text(encoding="utf-8")
    for method in TRAINERS:
        for spec in own_specs(options_of(method)):
            assert f"| `{method}` | `{spec.name}` |" in doc
