"""The results tables of docs/methods.md for the adaptive vocabularies and ``tokensmith.extend``.

    PYTHONPATH=src python benchmarks/adaptive_results.py [--new-tokens 1000]

1. zip2zip: codes per id with the paper's settings (windows of 1,024 ids) by NTREX language.
2. Dynamic merges: sequence-length reduction against the number of merges learnt per batch of
   128 NTREX sentences (the mean over the first 8 batches), by language.
3. extend: held-out bytes per token before and after ``--new-tokens`` tokens learnt on the target
   text (Python: 80 standard-library modules, held out: 20 others; Hindi: NTREX lines 1-1500,
   held out: 1501-1997), and on English held out (NTREX English, last 500 lines).
"""

from __future__ import annotations

import argparse
import sysconfig
import warnings
from pathlib import Path

import tokensmith
from tokensmith.adaptive import PAPER_SETTINGS, length_reduction, lzw_encode_batch

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NTREX = DATA / "parallel" / "ntrex128"
LANGUAGES = ["eng-US", "deu", "rus", "hin", "zho-CN", "amh"]


def lines(lang: str) -> list[str]:
    return (NTREX / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8").split("\n")


def zip2zip_table(tokenizers) -> None:
    print("| tokenizer | " + " | ".join(LANGUAGES) + " |\n|---|" + "---|" * len(LANGUAGES))
    for name, tok in tokenizers.items():
        row = []
        for lang in LANGUAGES:
            ids = [i for line in lines(lang) for i in tok.encode(line + "\n")]
            windows = [ids[k:k + 1024] for k in range(0, len(ids), 1024)]
            codes = lzw_encode_batch(windows, initial_vocab_size=tok.vocab_size, **PAPER_SETTINGS)
            row.append(f"{sum(map(len, codes)) / len(ids):.3f}")
        print(f"| {name} | " + " | ".join(row) + " |")


def dynamic_table(tokenizers, merges=(10, 50, 100, 200, 500)) -> None:
    print("| tokenizer | language | " + " | ".join(f"{m} merges" for m in merges) + " |\n|---|---|" + "---|" * len(merges))
    for name, tok in tokenizers.items():
        for lang in LANGUAGES:
            text = lines(lang)
            batches = [text[k:k + 128] for k in range(0, 1024, 128)]
            row = [sum(length_reduction(tok, b, m) for b in batches) / len(batches) for m in merges]
            print(f"| {name} | {lang} | " + " | ".join(f"{100 * r:.1f}%" for r in row) + " |")


def extend_table(tokenizers, new_tokens: int) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    modules = sorted(p for p in stdlib.glob("*.py"))
    code = ([p.read_text(encoding="utf-8") for p in modules[:80]], [p.read_text(encoding="utf-8") for p in modules[80:100]])
    hindi = lines("hin")
    targets = {"Python": code, "Hindi": (hindi[:1500], hindi[1500:])}
    english = lines("eng-US")[-500:]

    def bpt(tok, texts):
        return sum(len(t.encode()) for t in texts) / sum(len(tok.encode(t)) for t in texts)

    print("| tokenizer | target | new tokens | target bytes/token | gain | English bytes/token | English change |\n"
          "|---|---|---|---|---|---|---|")
    for name, tok in tokenizers.items():
        for target, (train, held) in targets.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                new = tokensmith.extend(tok, train, num_new_tokens=new_tokens)
            before, after = bpt(tok, held), bpt(new, held)
            e0, e1 = bpt(tok, english), bpt(new, english)
            print(f"| {name} | {target} | {new.vocab_size - tok.vocab_size} | {before:.2f} -> {after:.2f} | "
                  f"{100 * (after / before - 1):+.1f}% | {e0:.3f} -> {e1:.3f} | {100 * (e1 / e0 - 1):+.2f}% |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--new-tokens", type=int, default=1000)
    args = parser.parse_args()
    names = {"cl100k": "cl100k_base.tiktoken", "gpt2 (roberta)": "roberta_base_tokenizer.json",
             "llama2": "llama2_tokenizer.model", "bert cased": "bert_base_cased_vocab.txt"}
    tokenizers = {k: tokensmith.load(DATA / "tokenizers" / v) for k, v in names.items()}
    print("## zip2zip codes per id\n")
    zip2zip_table({k: tokenizers[k] for k in ("cl100k", "llama2")})
    print("\n## dynamic merges: length reduction\n")
    dynamic_table({k: tokenizers[k] for k in ("cl100k", "llama2")})
    print("\n## extend\n")
    extend_table(tokenizers, args.new_tokens)


if __name__ == "__main__":
    main()
