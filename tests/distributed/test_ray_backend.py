"""The Ray backends give byte-identical results to the local ones (one local Ray session with
two CPUs for the whole module; skipped when Ray is not installed: ``pip install 'tokensmith[ray]'``)."""

from __future__ import annotations

import json

import pytest

ray = pytest.importorskip("ray")

from tokensmith.dataset import encode_corpus  # noqa: E402
from tokensmith.distributed.counting import count_corpus_on_ray  # noqa: E402
from tokensmith.errors import InputError  # noqa: E402
from tokensmith.pre_tokenizers.patterns import resolve_pattern  # noqa: E402
from tokensmith.models.bpe.trainer import count_corpus, make_counter, train_bpe  # noqa: E402


@pytest.fixture(scope="module")
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(english_sample, ntrex_files, tmp_path_factory):
    """A text file, a JSON Lines file and in-memory texts in many scripts."""
    root = tmp_path_factory.mktemp("corpus")
    text = root / "english.txt"
    text.write_text(english_sample[:1_200_000], encoding="utf-8")
    jsonl = root / "news.jsonl"
    lines = [l for p in ntrex_files[:40] for l in p.read_text(encoding="utf-8").splitlines()[:20]]
    jsonl.write_text("".join(json.dumps({"text": l}) + "\n" for l in lines), encoding="utf-8")
    texts = [l for p in ntrex_files[40:80] for l in p.read_text(encoding="utf-8").splitlines()[:10]]
    return [str(text), str(jsonl), *texts]


def test_counts_equal_local_with_byte_ranges(ray_session, corpus):
    regex_string, compiled = resolve_pattern("cl100k")
    local = make_counter(compiled, regex_string)
    count_corpus(local, corpus, 2, progress=False, errors="strict", text_field="text")
    counts = count_corpus_on_ray(corpus, compiled, regex_string, range_bytes=150_000, max_pending=3)
    assert counts == local.counts()


def test_train_bpe_on_ray_is_byte_identical(ray_session, corpus, tmp_path):
    options = dict(vocab_size=1200, special_tokens=["<|endoftext|>"], progress=False)
    local = train_bpe(corpus, **options)
    distributed = train_bpe(corpus, backend="ray", **options)
    local.save(tmp_path / "local.json")
    distributed.save(tmp_path / "ray.json")
    assert (tmp_path / "local.json").read_bytes() == (tmp_path / "ray.json").read_bytes()


def test_encode_corpus_on_ray_is_byte_identical(ray_session, corpus, tmp_path, monkeypatch):
    tokenizer = train_bpe(corpus, vocab_size=600, special_tokens=["<eot>"], progress=False)
    from tokensmith.dataset import encoding

    monkeypatch.setattr(encoding, "BATCH_CHARS_PER_WORKER", 100_000)  # many tasks, out of order
    outputs = []
    for backend in ("local", "ray"):
        out = tmp_path / backend
        encode_corpus(tokenizer, corpus, out, shard_tokens=50_000, append_eot="<eot>",
                      backend=backend, num_workers=3)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1] and len(outputs[0]) > 5


def test_task_errors_surface_as_tokensmith_errors(ray_session, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Fine words. " * 1000 + b"\xff bad")
    with pytest.raises(InputError) as info:
        train_bpe([str(bad), "a text"], vocab_size=300, backend="ray", progress=False)
    assert info.value.path == str(bad) and info.value.offset == 12_000
