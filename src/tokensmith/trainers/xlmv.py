"""XLM-V-style multilingual allocation: cluster languages, one vocabulary per cluster, union.

Paper: Davis Liang, Hila Gonen, Yuning Mao, Rui Hou, Naman Goyal, Marjan Ghazvininejad, Luke
Zettlemoyer, Madian Khabsa, "XLM-V: Overcoming the Vocabulary Bottleneck in Multilingual Masked
Language Models" (EMNLP 2023), building on Chung et al. (2020), "Improving Multilingual Models
with Language-Clustered Vocabularies". XLM-V's vocabulary-building code is not released; what is
said here of it comes from the paper.

As published (the shape of the method):

* a small vocabulary is trained per language, and each language is represented by a vector over
  the union of those vocabularies;
* languages are clustered with k-means on these vectors, so languages that share lexical units
  share a cluster;
* each cluster gets a share of the capacity, a vocabulary is trained per cluster on that
  cluster's text, and the final vocabulary is their union.

Differences from XLM-V (said plainly):

* the language vectors are binary, a token is 1 if the language's own vocabulary has it: Chung
  et al.'s representation. XLM-V replaces the 1s by the token's negative log-probability under
  the language's Unigram model, which the paper reports as an improvement;
* byte-level BPE (the shared trainer) replaces SentencePiece Unigram for the per-language
  vocabularies (``language_vocab``, default 1,000 tokens; the paper uses far larger
  per-language models) and the per-cluster ones;
* capacity: XLM-V allocates it from the average log-probability (ALP) of each language's text
  under Unigram vocabularies of growing size (after Zheng et al. 2021, VoCap), summed per
  cluster; here it is in proportion to each cluster's lexical diversity, the sum over its
  languages of the distinct pre-tokens expected in an equal amount of text (rarefied type
  counts, so a language with more data does not get more for that reason alone).
  ``allocation`` accepts explicit weights per cluster;
* the union: XLM-V unites Unigram vocabularies (tokens with scores); here it is a merge list,
  the clusters' merges interleaved by their rank relative to the cluster's allocation (merge
  ``k`` of a cluster with allocation ``a`` comes at ``(k + 1) / a``), which keeps each cluster's
  merges in their own order, so every merge finds its parts; the list is cut when the union
  reaches ``vocab_size`` (each cluster is trained 1.5 times its share, as the union loses the
  tokens clusters share);
* clusters: ``clusters`` (default 4; the paper uses 8 for its 100+ languages), by cosine k-means
  with deterministic farthest-point seeding.

The result is a plain byte-level BPE tokenizer: it saves to every format, HF included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from ..errors import OptionError, spell
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from .method_utils import count_pieces, merge_token_bytes, reusable
from ..models.bpe.trainer import train_bpe_from_counts
from .options import BytePairOptions, option
from .trainer import trainer

METHOD = "xlmv"


def language_vectors(counts: Mapping[str, dict[bytes, int]], size: int = 1000,
                     min_frequency: int = 2) -> tuple[list[str], np.ndarray]:
    """``(languages, binary matrix)``: row = language, column = a token of some language's own
    ``size``-token BPE vocabulary (bytes excluded)."""
    languages = sorted(counts)
    own = {lang: set(merge_token_bytes(train_bpe_from_counts(counts[lang], size - 256, min_frequency))[256:])
           for lang in languages}
    columns = {tok: j for j, tok in enumerate(sorted(set().union(*own.values())))}
    matrix = np.zeros((len(languages), max(1, len(columns))))
    for i, lang in enumerate(languages):
        for tok in own[lang]:
            matrix[i, columns[tok]] = 1.0
    return languages, matrix


def expected_types(counts: dict[bytes, int], sample: int) -> float:
    """Distinct pre-tokens expected in ``sample`` pieces drawn from ``counts`` (rarefaction), so
    languages with more data do not look more diverse for that reason alone."""
    c = np.fromiter(counts.values(), dtype=np.float64)
    p = c / c.sum()
    return float(np.sum(1.0 - np.exp(sample * np.log1p(-np.minimum(p, 1 - 1e-12)))))


def kmeans(vectors: np.ndarray, k: int, iterations: int = 50) -> np.ndarray:
    """Cluster label of each row: cosine k-means, seeded with the first row then farthest points."""
    n = len(vectors)
    if not 1 <= k <= n:
        raise OptionError(f"the number of clusters must be between 1 and the number of languages ({n}), got {k}")
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centres = [unit[0]]
    for _ in range(1, k):
        similarity = np.max(unit @ np.array(centres).T, axis=1)
        centres.append(unit[int(np.argmin(similarity))])
    centres = np.array(centres)
    labels = np.full(n, -1)
    for _ in range(iterations):
        new = np.argmax(unit @ centres.T, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for c in range(k):
            members = unit[labels == c]
            if len(members):
                mean = members.mean(axis=0)
                centres[c] = mean / max(np.linalg.norm(mean), 1e-12)
    return labels


def allocate(weights: Mapping[int, float], total: int) -> dict[int, int]:
    """Integer capacities proportional to ``weights`` summing to ``total`` (largest remainders)."""
    clusters = sorted(weights)
    weight_sum = float(sum(weights.values()))
    if total < 0 or weight_sum <= 0:
        raise OptionError("allocation needs positive weights and a non-negative total")
    exact = {c: total * weights[c] / weight_sum for c in clusters}
    out = {c: int(exact[c]) for c in clusters}
    for c in sorted(clusters, key=lambda c: (out[c] - exact[c], c))[: total - sum(out.values())]:
        out[c] += 1
    return out


def union_of_merges(merge_lists: Mapping[int, list], allocation: Mapping[int, int],
                    num_merges: int) -> tuple[list[bytes], list[tuple[int, int]]]:
    """One merge list from several (each over its own ids), interleaved by relative rank."""
    order = sorted(((k + 1) / max(1, allocation[c]), c, k)
                   for c, merges in merge_lists.items() for k in range(len(merges)))
    own_tokens = {c: merge_token_bytes(m) for c, m in merge_lists.items()}
    tokens = [bytes([b]) for b in range(256)]
    token_id = {t: i for i, t in enumerate(tokens)}
    merges: list[tuple[int, int]] = []
    for _, c, k in order:
        if len(merges) >= num_merges:
            break
        a, b = merge_lists[c][k]
        left, right = own_tokens[c][a], own_tokens[c][b]
        if left + right in token_id:
            continue  # another cluster already made this token
        token_id[left + right] = len(tokens)
        tokens.append(left + right)
        merges.append((token_id[left], token_id[right]))
    return tokens, merges


@dataclass(kw_only=True)
class XLMVOptions(BytePairOptions):
    CORPUS_BY_LANGUAGE: ClassVar[bool] = True

    clusters: int = option(4, "number of language clusters (k-means)")
    allocation: Mapping[int, float] | None = option(
        None, "weight of each cluster's share of the vocabulary (None: by lexical diversity)")
    language_vocab: int = option(1000, "size of each language's own BPE vocabulary (its vector)")


@trainer(METHOD, XLMVOptions)
def train_xlmv(corpora: Mapping[str, object], options: XLMVOptions) -> Tokenizer:
    """Train on ``{language: corpus}``; ``tokenizer.cluster_of`` tells each language's cluster."""
    o = options
    vocab_size = o.model_size()
    report = o.reporter(METHOD)
    with report.phase("counting", total=len(corpora), unit="language") as phase:
        counts = {}
        for lang, corpus in corpora.items():
            counts[lang] = count_pieces(reusable(corpus), o.pattern, o, progress=False)
            phase.update()
    with report.phase("clustering languages"):
        languages, vectors = language_vectors(counts, o.language_vocab, o.min_frequency)
        labels = kmeans(vectors, min(o.clusters, len(languages)))
    members = {int(c): [lang for lang, l in zip(languages, labels) if l == c] for c in set(labels.tolist())}
    cluster_counts = {}
    for c, langs in members.items():
        merged: dict[bytes, int] = {}
        for lang in langs:
            for piece, n in counts[lang].items():
                merged[piece] = merged.get(piece, 0) + n
        cluster_counts[c] = merged
    if o.allocation is None:
        # lexical diversity of each language at an equal amount of text (rarefied type counts)
        sample = min(sum(c.values()) for c in counts.values())
        weights = {c: sum(expected_types(counts[lang], sample) for lang in langs) for c, langs in members.items()}
    else:
        weights = dict(o.allocation)
    if set(weights) != set(members):
        raise OptionError(f"{spell('allocation')} must give a weight to each cluster {sorted(members)}")
    shares = allocate(weights, vocab_size - 256)
    # Over-train each cluster: the union loses the tokens clusters share.
    with report.phase("cluster vocabularies", total=len(members), unit="cluster") as phase:
        merge_lists = {}
        for c in members:
            merge_lists[c] = train_bpe_from_counts(cluster_counts[c], int(shares[c] * 1.5) + 16, o.min_frequency)
            phase.update()
    tokens, merges = union_of_merges(merge_lists, shares, vocab_size - 256)
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    tok = o.tokenizer(BPEModel(tokens, merges), splitter, METHOD)
    tok.cluster_of = {lang: int(l) for lang, l in zip(languages, labels)}
    return tok
