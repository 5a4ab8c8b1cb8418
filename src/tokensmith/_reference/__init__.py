"""Readable pure-Python twins of the compiled kernels: the oracle the kernels are tested against.

``TOKENSMITH_PURE_PYTHON=1`` makes the library run them instead of the kernels (see
:mod:`tokensmith._core`). Each kernel and its twin:

====================  ========================================================================
``_bpe``              :mod:`.bpe` (``merge_piece``, ``tiktoken_merge_table``)
``_bpe_train``        :mod:`.bpe_train` (merge loop); counting: ``models.bpe.trainer.PythonCounter``
``_decode``           :mod:`.decode`
``_lattice``          :mod:`.lattice`
``_lzw``              :mod:`.lzw` (``Encoder``, ``Decoder``, ``encode_batch``, ``decode_batch``)
``_pair_replay``      :mod:`.pair_replay`
``_segment``          the methods of :mod:`tokensmith.segmenters.methods` (public, so they stay there)
``_split``            ``regex`` with the patterns of :mod:`tokensmith.pre_tokenizers.patterns`
``_spm_bpe``          the Python stages of :mod:`tokensmith.models.bpe.sentencepiece`
``_top_down``         :mod:`.pathpiece` and :mod:`.sage`
``_unigram_train``    :mod:`.unigram_train`; word counting: ``str.split`` and a ``Counter``
``_wordpiece_train``  :mod:`.wordpiece_train`
====================  ========================================================================

tests/test_core_loader.py checks, on real text, that the library gives the same results either way.
"""
