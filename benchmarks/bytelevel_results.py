"""The figures of docs/bytelevel.md: bits per byte (token vs byte level, and the gap) and
word completion after prompts cut inside words (naive, healed, byte-level), for the small causal
LM fixture and a trigram model, both on one tokensmith BPE of 512 ids.

    TOKENSMITH_SHARED_DATA=../shared/data PYTHONPATH=src:tests python benchmarks/bytelevel_results.py [--cuts 200]

The tokenizer, the fixture (tests/causal_lm.py, 300 steps, cached) and the texts are those of
tests/bytelevel; held-out text is the last 300 lines of the same 400 KB of the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from causal_lm import english_lines, trained_causal_lm

import tokensmith
from tokensmith.bytelevel import ByteLevel, NgramLM
from tokensmith.bytelevel.completion_eval import completion_rates, cuts_inside_words
from tokensmith.bytelevel.hf import CausalLM
from tokensmith.bytelevel.scoring import bits_per_byte, score_text

DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuts", type=int, default=200)
    parser.add_argument("--score-lines", type=int, default=60)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    english = english_lines(DATA, size=400_000)
    tokenizer = tokensmith.train(english[:3000], method="bpe", vocab_size=512)
    causal = CausalLM.from_pretrained(trained_causal_lm(tokenizer, english[:3000], steps=300),
                                      start=tokenizer.encode("\n"))
    ngram = NgramLM.train_on_texts(tokenizer, english[:-300], order=3)
    held = english[-300:]
    cuts = cuts_inside_words(held, args.cuts, seed=0)
    results = {}
    for name, lm, end in (("causal LM (gpt2, 2 layers)", causal, None), ("trigram", ngram, ngram.end_id)):
        model = ByteLevel(tokenizer, lm, canonical=True)
        scored = bits_per_byte([score_text(model, (line + "\n").encode()) for line in held[: args.score_lines]])
        rates = completion_rates(lm, tokenizer, cuts, byte_level=model, end_id=end)
        results[name] = {"bits_per_byte": scored, "word_completion": rates, "cuts": len(cuts)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
