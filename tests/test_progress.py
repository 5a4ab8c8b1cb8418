"""Progress of long work: bars on a terminal, one line per phase in logs, nothing when quiet,
nothing for short phases, nothing for a phase that fails; every trainer reports its phases."""

from __future__ import annotations

import io
import warnings

import pytest

from tokensmith import progress as progress_module
from tokensmith.errors import InputError, SmallCorpusWarning
from tokensmith.progress import Progress
from tokensmith.trainers import TRAINERS, train


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def every_phase_is_long(monkeypatch):
    """Report phases however short (the threshold is a second in real use)."""
    monkeypatch.setattr(progress_module, "MIN_SECONDS", 0.0)


def test_log_lines_one_per_phase(every_phase_is_long):
    log = io.StringIO()
    report = Progress(True, "sage", stream=log)
    with report.phase("counting", unit="B") as phase:
        phase.update(10)
    with report.phase("pruning", total=5) as phase:
        phase.note = "5 tokens"
    lines = log.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("sage: counting done in ") and lines[0].endswith(" s")
    assert lines[1].startswith("sage: pruning done in ") and lines[1].endswith(" s (5 tokens)")


def test_nothing_for_quiet_short_or_failed_phases(every_phase_is_long, monkeypatch):
    log = io.StringIO()
    with Progress(False, "bpe", stream=log).phase("merges"):
        pass
    with pytest.raises(ValueError):
        with Progress(True, "bpe", stream=log).phase("counting"):
            raise ValueError("bad input")
    monkeypatch.setattr(progress_module, "MIN_SECONDS", 60.0)
    with Progress(True, "bpe", stream=log).phase("merges"):
        pass
    assert log.getvalue() == ""


def test_bar_on_a_terminal(every_phase_is_long):
    screen = Terminal()
    with Progress(True, "unigram", stream=screen).phase("EM and pruning", total=4, unit="round") as phase:
        phase.update(2)
        phase.status("3,000 pieces")
    shown = screen.getvalue()
    assert "unigram: EM and pruning" in shown and "round" in shown
    assert "done in" not in shown  # a terminal gets the bar, not the log line


@pytest.mark.parametrize("method", sorted(TRAINERS))
def test_every_method_reports_its_phases(method, every_phase_is_long, english_sample, capsys):
    text = [english_sample[:20_000]]
    corpus = {"en": text} if method == "xlmv" else text
    options = {"dim": 8, "epochs": 1, "prune_fraction": 0.5} if method == "sage" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCorpusWarning)
        train(corpus, method=method, vocab_size=300, **options)
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line.startswith(f"{method}: ") and " done in " in line for line in lines), lines


def test_short_training_on_texts_prints_nothing(english_sample, capsys):
    train([english_sample[:5_000]], method="bpe", vocab_size=300, progress=True)
    assert capsys.readouterr().err == ""


def test_an_error_leaves_no_progress_line(every_phase_is_long, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine text\n" * 100 + b"\xff broken\n")
    with pytest.raises(InputError, match="invalid UTF-8"):
        train(str(bad), method="bpe", vocab_size=300, progress=True)
    assert capsys.readouterr().err == ""



def test_evaluate_reports_one_line_per_phase_in_logs(tokenizer_files, ntrex_dir, capsys, monkeypatch):
    """compare/eval in a log: phase lines, never a bar's carriage-return redraws."""
    import tokensmith.progress as progress_module
    from tokensmith.metrics.suite import evaluate

    monkeypatch.setattr(progress_module, "MIN_SECONDS", 0.0)
    evaluate([str(tokenizer_files / "r50k_base.tiktoken")], parallel=ntrex_dir,
             languages=["deu"], max_parallel_lines=200, progress=True)
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = err.splitlines()
    assert any(line.startswith("evaluate: reading the inputs done in") for line in lines), err
    assert any(line.startswith("evaluate: measuring r50k") for line in lines), err
