"""spaCy multi-hash embedding rows: identical to what spaCy's MultiHashEmbed and thinc's HashEmbed
compute on real text (a blank pipeline, the model built in code: no download)."""

from __future__ import annotations

import numpy as np
import pytest

from tokensmith.errors import InputError, OptionError
from tokensmith.vocabfree.multihash import (ATTRS, SPACY_ROWS, SPACY_SYMBOLS, MultiHashEmbed, attribute,
                                            hash_keys, string_id, word_shape)

spacy = pytest.importorskip("spacy")
pytest.importorskip("thinc")


@pytest.fixture(scope="module")
def docs(ntrex_dir):
    nlp = spacy.blank("en")
    out = []
    for code in ("src.eng", "ref.deu", "ref.rus", "ref.hin", "ref.tur"):
        lines = (ntrex_dir / f"newstest2019-{code}.txt").read_text(encoding="utf-8").splitlines()[:60]
        out.append(nlp("\n".join(lines)))
    long_word = nlp("a " + "x" * 120 + " I A number det X _ cc")
    return out + [long_word]


def _spacy_model(rows):
    from spacy.ml.models import MultiHashEmbed as SpacyMultiHashEmbed

    model = SpacyMultiHashEmbed(width=32, attrs=list(ATTRS), rows=list(rows), include_static_vectors=False)
    tables = [layer for layer in model.walk() if layer.name == "hashembed"]
    return model, tables


@pytest.mark.parametrize("rows", [SPACY_ROWS, (2000, 1000, 1000, 1000)])
def test_rows_equal_spacy_and_thinc(docs, rows):
    model, tables = _spacy_model(rows)
    model.initialize(docs)
    ours = MultiHashEmbed(ATTRS, rows)
    assert [t.attrs["seed"] for t in tables] == list(ours.seeds)
    assert [t.get_dim("nV") for t in tables] == list(rows)
    extractor = model.layers[0]
    for doc, features in zip(docs, extractor.predict(docs)):
        words, norms = [t.text for t in doc], [t.norm_ for t in doc]
        ids = ours.feature_ids(words, norms)
        assert np.array_equal(ids, features)
        found = ours.rows_of(words, norms)
        for j, table in enumerate(tables):
            keys = table.ops.hash(np.ascontiguousarray(features[:, j]), table.attrs["seed"]) % table.get_dim("nV")
            assert np.array_equal(found[:, j], keys)
            # and the embedding the table computes is the sum of exactly those four rows
            vectors = table.get_param("E")
            assert np.allclose(table.predict(np.ascontiguousarray(features[:, j])), vectors[found[:, j]].sum(axis=1))


def test_lowercase_norm_outside_tokenizer_exceptions(docs):
    ours = MultiHashEmbed()
    for doc in docs:
        plain = [t for t in doc if t.norm_ == t.text.lower()]
        assert len(plain) > 0.9 * len(doc)  # the rest: quotes, dashes, currency, contractions
        assert np.array_equal(ours.feature_ids([t.text for t in plain]),
                              doc.to_array(list(ATTRS))[[t.i for t in plain]].astype(np.uint64))


def test_strings_symbols_and_shapes(docs):
    from spacy.lang.lex_attrs import word_shape as spacy_shape
    from spacy.strings import get_string_id
    from spacy.symbols import IDS

    assert {k: IDS[k] for k in IDS if k and (len(k) <= 3 or k.islower())} == SPACY_SYMBOLS
    for doc in docs:
        for token in doc:
            assert word_shape(token.text) == spacy_shape(token.text) == token.shape_
            for value in (token.text, token.shape_, token.suffix_, token.prefix_, token.norm_):
                assert string_id(value) == get_string_id(value)
    assert attribute("Hello", "SUFFIX") == "llo" and attribute("Hello", "PREFIX") == "H"


def test_thinc_hash_of_extreme_ids():
    from thinc.api import NumpyOps

    ids = np.array([0, 1, 2**63, 2**64 - 1, 101, 5983625672228268878], dtype=np.uint64)
    for seed in (0, 8, 11, 2**31):
        assert np.array_equal(hash_keys(ids, seed), NumpyOps().hash(ids, seed))


def test_bad_input():
    with pytest.raises(OptionError, match="row counts"):
        MultiHashEmbed(ATTRS, (10, 10))
    with pytest.raises(OptionError, match="unknown attribute"):
        MultiHashEmbed(("NORM", "LEMMA"), (10, 10))
    with pytest.raises(InputError, match="empty"):
        MultiHashEmbed().rows_of(["a", ""])
