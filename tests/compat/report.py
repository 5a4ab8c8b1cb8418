"""Per-file report of the HF compatibility suite: load time, cases, exact %, first mismatch.

    PYTHONPATH=src python tests/compat/report.py [--per-language 30] [name ...]

Reads the shared data as the tests do (``TOKENSMITH_SHARED_DATA`` or ``../shared/data``);
docs/compatibility.md records its output.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf_cases  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="file names without _tokenizer.json (default: all)")
    parser.add_argument("--per-language", type=int, default=30)
    args = parser.parse_args(argv)
    tokenizers_dir = SHARED / "tokenizers"
    natural = (hf_cases.ntrex_sample(SHARED / "parallel" / "ntrex128", args.per_language)
               + hf_cases.udhr_sample(SHARED / "parallel" / "udhr_articles_1-30.tsv"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = hf_cases.tokenizer_jsons(tokenizers_dir) + [hf_cases.bert_json(tokenizers_dir, Path(tmp))]
        worst = 100.0
        for path in paths:
            name = path.name.removesuffix("_tokenizer.json")
            if args.names and name not in args.names:
                continue
            try:
                pair = hf_cases.load_pair(path)
            except Exception as exc:  # a report, not a test: show what fails and go on
                print(f"{name}: does not load: {type(exc).__name__}: {exc}")
                worst = 0.0
                continue
            kind = type(pair.ours.model).__name__
            print(f"{name}: loads in {pair.load_seconds:.3f} s ({kind}, {len(pair.ours)} tokens)")
            for o in hf_cases.all_outcomes(pair, natural):
                line = f"  {o.what:<40} {o.exact:>6}/{o.cases:<6} {o.percent:7.2f} %"
                if o.known:
                    line += f"  ({o.known} of a documented deviation)"
                if o.first_mismatch:
                    line += f"\n      first mismatch: {o.first_mismatch}"
                print(line)
                worst = min(worst, 100.0 if not o.unexplained else o.percent)
    return 0 if worst == 100.0 else 1


if __name__ == "__main__":
    sys.exit(main())
