"""What each token adds to the text: the byte stream a byte-level view reads.

A token language model generates ids; the text is its tokens' bytes joined. For tokenizers whose
decoder is the plain byte join (byte-level BPE, tiktoken files, tokensmith's own BPE) a token's
*surface* is its bytes. For SentencePiece-style tokenizers (a Metaspace decoder) the marker
``▁`` reads as a space and the stream keeps the space the decoder strips in front of the first
word: the byte view of such a model is over ``" " + text``. Other decoders (WordPiece's ``##``
joins and clean-ups depend on neighbouring tokens) have no per-token surface and are refused.

End of text. The byte view's 257th outcome is "the text ends here". It is the model's explicit end
symbol when its output has one column more than the vocabulary (the n-gram model here), else the
tokenizer's end-of-text token when it has one (``<|endoftext|>``, ``</s>``, ``<eos>``, ``<|end|>``),
else there is none and the text never ends (probability 0). Any other special token reads as its
literal text, as ``decode(ids, skip_special_tokens=False)`` writes it.
"""

from __future__ import annotations

from ..components import ByteDecoder
from ..errors import OptionError

# Special tokens that end a text, in the order looked for.
END_TOKENS = ("<|endoftext|>", "</s>", "<eos>", "<|end_of_text|>", "<|end|>", "[EOS]")


def token_surfaces(tokenizer) -> list[bytes | None]:
    """The bytes each id adds to the text (``None``: an id with no bytes, e.g. an unassigned one)."""
    decoder = tokenizer.decoder
    marker = None
    if type(decoder) is not ByteDecoder:
        marker = getattr(decoder, "replacement", None)
        if marker is None:
            raise OptionError(f"the byte-level view needs tokens that each add fixed bytes to the text; "
                              f"the decoder {type(decoder).__name__} joins tokens depending on their "
                              f"neighbours (supported: the plain byte join and Metaspace)")
        marker = marker.encode("utf-8")
    out: list[bytes | None] = []
    for i in range(tokenizer.vocab_size):
        try:
            data = tokenizer.token_bytes(i)
        except Exception:  # an unassigned id (a tiktoken vocabulary with holes)
            out.append(None)
            continue
        if marker is not None:
            data = data.replace(marker, b" ")
        out.append(data or None)
    return out


def end_token_ids(tokenizer) -> list[int]:
    """The tokenizer's end-of-text id, if it has one (see the module's note)."""
    specials = {t.content: t.id for t in tokenizer.added_tokens if t.special}
    specials.update(tokenizer.special_tokens)
    for name in END_TOKENS:
        if name in specials:
            return [specials[name]]
    return []
