"""Segmentation methods on any vocabulary: the compiled kernel vs the Python methods vs HF.

    PYTHONPATH=src python benchmarks/bench_segment.py [--mb 1] [--python-mb 0.2] [--runs 5]

English text (``--mb`` MB from the middle of the corpus), pre-tokenized once by each tokenizer.
For BERT base cased ``vocab.txt`` and r50k, each method: MB/s of segmentation alone (the list of
pieces to ids) with the compiled kernel and with the Python methods (on the first
``--python-mb`` MB of the pieces), their ratio, and MB/s of the whole ``encode_ordinary`` with the
kernel. For BERT's longest prefix (WordPiece) also HF ``tokenizers``: its WordPiece model alone
(the pieces joined by spaces, split on whitespace, no normalizer) and ``BertWordPieceTokenizer``
end to end. Medians of ``--runs`` runs; the Python methods' median of ``max(1, runs // 2)``.
"""

from __future__ import annotations

import argparse

from bench_wordpiece import DATA, median_time, read_mb  # the sibling script's corpus and timer

TOKENIZERS = DATA / "tokenizers"
METHODS = ("longest_prefix", "longest_suffix", "longest_token", "least_tokens")


def pieces_of(tok, text: str) -> list[bytes]:
    if tok.normalizer is not None:
        text = tok.normalizer.normalize(text)
    parts = tok.splitter.split(text) if tok.splitter is not None else [text]
    return [p.encode("utf-8") for p in parts if p]


def head(pieces: list[bytes], mb: float) -> list[bytes]:
    out, size = [], 0
    for p in pieces:
        if size >= mb * 1e6:
            break
        out.append(p)
        size += len(p)
    return out


def bench_vocab(label: str, tok, text: str, python_mb: float, runs: int) -> None:
    from tokensmith.segmenters.pieces import compiled_segmenter, segment_pieces

    pieces = pieces_of(tok, text)
    size = sum(map(len, pieces)) / 1e6
    few = head(pieces, python_mb)
    few_size = sum(map(len, few)) / 1e6
    print(f"{label}: {len(pieces)} pieces, {size:.2f} MB of piece bytes ({len(text.encode()) / 1e6:.2f} MB text)")
    print(f"  {'method':<16}{'kernel MB/s':>12}{'python MB/s':>12}{'ratio':>8}{'encode MB/s':>13}")
    for method in METHODS:
        seg = tok.with_segmenter(method)
        vocab = seg.model.vocab
        kernel = compiled_segmenter(vocab)
        assert segment_pieces(few, vocab, method, kernel) == segment_pieces(few, vocab, method, None)
        t_kernel = median_time(lambda: segment_pieces(pieces, vocab, method, kernel), runs)
        t_python = median_time(lambda: segment_pieces(few, vocab, method, None), max(1, runs // 2))
        t_encode = median_time(lambda: seg.encode_ordinary(text), runs)
        k, p = size / t_kernel, few_size / t_python
        print(f"  {method:<16}{k:12.2f}{p:12.2f}{k / p:8.1f}{len(text.encode()) / 1e6 / t_encode:13.2f}")
    return pieces


def bench_hf_wordpiece(tok, pieces: list[bytes], text: str, runs: int) -> None:
    from tokenizers import BertWordPieceTokenizer, Tokenizer, models, pre_tokenizers

    vocab_file = str(TOKENIZERS / "bert_base_cased_vocab.txt")
    hf_model = Tokenizer(models.WordPiece.from_file(vocab_file, unk_token="[UNK]"))
    hf_model.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    joined = " ".join(p.decode("utf-8") for p in pieces)
    ours = tok.model
    assert ours.encode_pieces(pieces) == hf_model.encode(joined, add_special_tokens=False).ids
    hf_bert = BertWordPieceTokenizer(vocab_file, lowercase=False)
    assert tok.encode_ordinary(text) == hf_bert.encode(text, add_special_tokens=False).ids
    size, text_size = sum(map(len, pieces)) / 1e6, len(text.encode()) / 1e6
    t_ours = median_time(lambda: ours.encode_pieces(pieces), runs)
    t_hf = median_time(lambda: hf_model.encode(joined, add_special_tokens=False), runs)
    t_ours_e2e = median_time(lambda: tok.encode_ordinary(text), runs)
    t_hf_e2e = median_time(lambda: hf_bert.encode(text, add_special_tokens=False), runs)
    print("BERT WordPiece (longest prefix) vs HF tokenizers, one call each")
    print(f"  segmentation only: tokensmith {size / t_ours:7.2f} MB/s   hf WordPiece model "
          f"{size / t_hf:7.2f} MB/s (its whitespace split included)   ratio {t_hf / t_ours:.2f}")
    print(f"  end to end:        tokensmith {text_size / t_ours_e2e:7.2f} MB/s   hf BertWordPieceTokenizer "
          f"{text_size / t_hf_e2e:7.2f} MB/s   ratio {t_hf_e2e / t_ours_e2e:.2f}")


def main() -> None:
    import tokensmith
    from tokensmith.formats.wordpiece_vocab import load_vocab_txt

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--python-mb", type=float, default=0.2)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    text = read_mb(args.mb, offset=50_000_000)
    bert = load_vocab_txt(TOKENIZERS / "bert_base_cased_vocab.txt", lowercase=False)
    r50k = tokensmith.load(TOKENIZERS / "r50k_base.tiktoken")
    print(f"median of {args.runs} runs")
    bert_pieces = bench_vocab("BERT base cased vocab.txt", bert, text, args.python_mb, args.runs)
    bench_vocab("r50k_base", r50k, text, args.python_mb, args.runs)
    bench_hf_wordpiece(bert, bert_pieces, text, args.runs)


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
