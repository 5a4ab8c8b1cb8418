"""``tokensmith info TOKENIZER``: what a tokenizer is, and how it splits a few samples."""

from __future__ import annotations

from .common import load_tokenizer

SAMPLES = [
    "Hello world! Tokenizers decide what a model can see.",
    "In 2024-03-15 at 14:05, 1234567 tokens cost $89.99.",
    "Übermäßig naïve café — 東京は晴れ。 مرحبا بالعالم",
    "def encode(self, text):\n    return [ord(c) for c in text]",
]


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="describe a tokenizer and show sample encodings")
    p.add_argument("tokenizer", help="tokenizer file (any supported format)")
    p.add_argument("--pattern", help="split pattern, for formats that do not store one (.tiktoken)")
    p.add_argument("--text", action="append", help="sample text to show (repeatable)")
    p.set_defaults(func=run)


def run(args) -> int:
    tok = load_tokenizer(args.tokenizer, args.pattern)
    splitter = tok.splitter
    pattern = getattr(splitter, "name", None) or getattr(splitter, "pattern", None) or repr(splitter)
    print(f"file        {args.tokenizer}")
    print(f"model       {type(tok.model).__name__}" + (f" ({tok.model.kind})" if hasattr(tok.model, "kind") else ""))
    print(f"vocabulary  {tok.vocab_size:,} ids ({len(tok.special_tokens)} special)")
    print(f"normalizer  {tok.normalizer!r}")
    print(f"split       {pattern}")
    specials = ", ".join(f"{s}={i}" for s, i in sorted(tok.special_tokens.items(), key=lambda kv: kv[1])[:8])
    print(f"specials    {specials or '-'}")
    print()
    for text in args.text or SAMPLES:
        ids = tok.encode(text, disallowed_special=())
        pieces = [tok.token_bytes(i).decode("utf-8", errors="backslashreplace") for i in ids]
        print(f"{len(ids):3d} tokens  {len(text.encode('utf-8')) / max(1, len(ids)):.2f} bytes/token")
        print("   " + "|".join(pieces).replace("\n", "\\n"))
    return 0
