"""HF ``tokenizers``' whole component set, read from ``tokenizer.json`` with HF's semantics.

Any file HF ``tokenizers`` loads, tokensmith loads here with the same ids and the same decoded
text. The common shapes (byte-level BPE with a named pattern, SentencePiece-style Unigram/BPE,
BERT WordPiece) keep their compiled fast paths in ``tokensmith.formats.hf_*``; every other file is
assembled from the components below, which follow HF's definitions one to one:

* ``regex_dialects`` — patterns written for the Rust engines (Oniguruma in ``tokenizers``,
  fancy-regex in tiktoken) translated to the Python ``regex`` module with the same meaning.
* ``normalizers`` — ``build_normalizer(spec, path) -> Normalizer | None``: text -> text.
* ``pre_tokenizers`` — ``build_pre_tokenizer(spec, path) -> Splitter | None``: text -> pieces.
* ``models`` — ``build_model(spec, path) -> Model``: pieces (UTF-8 bytes of the pre-tokenizer's
  strings) -> ids. ``token_bytes()`` is the UTF-8 of each vocabulary string (the form HF's
  decoders read); the decoder turns those into text.
* ``decoders`` — ``build_decoder(spec, path) -> Decoder``: the tokens' UTF-8 strings -> text bytes.
* ``post_processors`` — templates (``[CLS] $A [SEP]``, ``<s>``, Whisper's prefix) applied by
  ``Tokenizer.encode(..., add_special_tokens=True)``.
* ``pipeline`` — ``read(document, path) -> Tokenizer`` and ``write(tokenizer) -> dict``.

Every component is a registered stage whose ``to_dict`` keeps its HF spec, so a tokenizer read
here saves in the native format and back to ``tokenizer.json`` unchanged.
"""
