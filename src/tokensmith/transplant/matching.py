"""Which tokens two vocabularies share, whatever convention each spells them in.

Tokenizers spell the same piece of text differently: byte-level BPE as raw bytes with the space
in front (``Ġthe``), SentencePiece with a marker (``▁the``) and byte-fallback pieces (``<0xE5>``),
WordPiece with ``##`` on continuations (``##ing``) and nothing on word starts. So tokens are
compared by what they *mean*: the bytes they add to a text and whether they start a word. That
is read from each tokenizer's own decoder: a token decoded after a plain reference token gives
``b" the"`` for ``Ġthe``, ``▁the`` and WordPiece's ``the`` alike, and ``b"ing"`` for ``ing``,
WordPiece's ``##ing`` and SentencePiece's ``ing``. A meaning is ``(text, starts_word)`` with the
leading space taken off.

Special tokens mean their role, not their text: two vocabularies share ``[CLS]`` and ``<s>`` when
both are the model's ``cls``/``bos`` token (roles from the tokenizer's files or the usual names),
and any two special tokens with the same content.

When the old vocabulary holds a meaning twice (SentencePiece's ``a`` and its byte piece ``<0x61>``;
WordPiece's ``##.`` and ``.`` once its decoder cleans up spaces), the token of the same string is
preferred, then the regular piece over the byte-fallback one, then the lowest id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>\Z")
REFERENCE_TEXTS = ("a", "x", "the", "e", "0")

Meaning = tuple  # (text: bytes, starts_word: bool) or ("special", content)


@dataclass
class TokenMeanings:
    """Every id's meaning in one tokenizer (None: unassigned id, or a token meaning nothing)."""
    keys: list[Meaning | None]
    byte_pieces: frozenset[int]   # ids of byte-fallback pieces (``<0xNN>``)
    specials: dict[str, int]      # special token content -> id

    def index(self) -> dict[Meaning, int]:
        """Meaning -> the preferred id holding it (regular piece first, then the lowest id)."""
        out: dict[Meaning, int] = {}
        for i, key in enumerate(self.keys):
            if key is None:
                continue
            held = out.get(key)
            if held is None or (held in self.byte_pieces and i not in self.byte_pieces):
                out[key] = i
        return out


def _reference(tokenizer) -> tuple[list[int], bytes]:
    """A token to decode others after, so that their leading space (or its absence) shows."""
    for text in REFERENCE_TEXTS:
        try:
            ids = tokenizer.encode(text)
        except Exception:  # noqa: BLE001 - a tokenizer that cannot encode plain text: no reference
            continue
        if len(ids) == 1:
            return ids, tokenizer.decode_bytes(ids)
    return [], b""


def token_meanings(tokenizer) -> TokenMeanings:
    """The meaning of every id of ``tokenizer`` (see the module's description)."""
    specials = dict(tokenizer.special_tokens)
    special_ids = set(specials.values())
    ref, prefix = _reference(tokenizer)
    keys: list[Meaning | None] = []
    byte_pieces = set()
    for i in range(tokenizer.vocab_size):
        if i in special_ids:
            keys.append(None)  # matched by role or content, see match_vocabularies
            continue
        string = tokenizer.id_to_token(i)
        if string is None:
            keys.append(None)
            continue
        piece = BYTE_PIECE.match(string)
        if piece:
            byte_pieces.add(i)
            keys.append((bytes([int(piece.group(1), 16)]), False))
            continue
        try:
            text = tokenizer.decode_bytes(ref + [i])
        except Exception:  # noqa: BLE001 - an id the decoder refuses (a hole) means nothing
            keys.append(None)
            continue
        if ref and text.startswith(prefix):
            text = text[len(prefix):]
        else:
            text = tokenizer.decode_bytes([i])
        starts_word = text.startswith(b" ")
        text = text[1:] if starts_word else text
        keys.append((text, starts_word) if text or starts_word else None)
    for content, i in specials.items():
        if i < len(keys):
            keys[i] = ("special", content)
    return TokenMeanings(keys, frozenset(byte_pieces), specials)


@dataclass
class VocabularyMatch:
    """The tokens two vocabularies share: ``shared`` maps a new id to the old id it equals."""
    old: TokenMeanings
    new: TokenMeanings
    shared: dict[int, int]
    cache: dict = field(default_factory=dict)  # what methods derive from the match (decompositions)

    @property
    def shared_text(self) -> dict[int, int]:
        """The shared tokens that are text (special tokens left out)."""
        return {n: o for n, o in self.shared.items() if self.new.keys[n] and self.new.keys[n][0] != "special"}


def match_vocabularies(old_tokenizer, new_tokenizer, old_roles: dict[str, str] | None = None,
                       new_roles: dict[str, str] | None = None) -> VocabularyMatch:
    """The tokens ``new_tokenizer`` shares with ``old_tokenizer``: by meaning for text tokens,
    by content or role (``{"cls": "[CLS]", ...}``) for special tokens."""
    old, new = token_meanings(old_tokenizer), token_meanings(new_tokenizer)
    old_index = old.index()
    # A meaning the old vocabulary holds twice (WordPiece's cleanup decodes "##." and "." alike)
    # goes to the old token of the same string when there is one.
    old_by_string = {}
    for i in range(len(old.keys)):
        string = old_tokenizer.id_to_token(i)
        if string is not None:
            old_by_string.setdefault(string, i)
    shared = {}
    for i, key in enumerate(new.keys):
        if key is not None and key[0] != "special" and key in old_index:
            same = old_by_string.get(new_tokenizer.id_to_token(i))
            shared[i] = same if same is not None and old.keys[same] == key else old_index[key]
    old_by_role = {r: old.specials[c] for r, c in (old_roles or {}).items() if c in old.specials}
    for content, i in new.specials.items():
        if content in old.specials:
            shared[i] = old.specials[content]
            continue
        for role, token in (new_roles or {}).items():
            if token == content and role in old_by_role:
                shared[i] = old_by_role[role]
                break
    return VocabularyMatch(old, new, shared)
