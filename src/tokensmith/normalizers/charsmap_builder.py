"""Writing SentencePiece's precompiled character map (the format :mod:`tokensmith.normalizers.charsmap` reads).

:func:`build_charsmap` turns ``{source: replacement}`` into the blob: ``uint32 trie_size``, a
Darts-clone double array over the UTF-8 sources, then the NUL-terminated replacements that the
trie's values point into. The double array is laid out as Darts-clone's readers expect: a node's
children sit at ``base ^ label`` for a base no other node uses, its key's value (if a key ends
there) at ``base ^ 0``, and the array covers every 256-unit block a base falls in, so a lookup
of any byte stays inside it (SentencePiece does not check bounds).

:func:`charsmap_of` samples a text normalizer character by character (and on the canonical
sequences that compose) to give the map that SentencePiece's longest-match normalizer applies.
"""

from __future__ import annotations

import struct
import unicodedata
from typing import Callable, Mapping

_LEAF_BIT = 1 << 31
_HAS_LEAF = 1 << 8
_MAX_OFFSET = 1 << 21  # offsets below this are stored as they are (no 256-alignment needed)
_OPEN_BLOCKS = 16  # the blocks searched for free units (Darts-clone's number)


def build_charsmap(mapping: Mapping[str, str]) -> bytes:
    """The precompiled-charsmap blob of ``mapping`` (sources must be non-empty, without NUL)."""
    strings = bytearray()
    values: dict[bytes, int] = {}
    seen: dict[bytes, int] = {}
    for source in sorted(mapping, key=lambda s: s.encode("utf-8")):
        key = source.encode("utf-8")
        if not key or b"\x00" in key:
            raise ValueError(f"charsmap source {source!r} is empty or holds NUL")
        target = mapping[source].encode("utf-8")
        if b"\x00" in target:
            raise ValueError(f"charsmap replacement for {source!r} holds NUL")
        if target not in seen:
            seen[target] = len(strings)
            strings += target + b"\x00"
        values[key] = seen[target]
    units = _double_array(values)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def _double_array(values: dict[bytes, int]) -> list[int]:
    # The trie as nested dicts: label -> child; the key ending at a node under label 0's slot.
    root: dict = {}
    for key, value in values.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units = [0] * 256
    used = bytearray(256)
    used[0] = 1
    bases: set[int] = set()
    queue = [(0, root)]
    while queue:
        next_queue = []
        for position, node in queue:
            labels = sorted(label for label in node if label is not None)
            has_leaf = None in node
            slots = ([0] if has_leaf else []) + labels
            if not slots:
                continue
            base = _find_base(slots, used, bases, position)
            bases.add(base)
            needed = (base | 0xFF) + 1
            if needed > len(units):
                grow = needed - len(units)
                units += [0] * grow
                used += bytearray(grow)
            offset = position ^ base
            units[position] |= (offset << 10) | (_HAS_LEAF if has_leaf else 0)
            if has_leaf:
                units[base] = node[None] | _LEAF_BIT
                used[base] = 1
            for label in labels:
                child = base ^ label
                units[child] = label
                used[child] = 1
                next_queue.append((child, node[label]))
        queue = next_queue
    return units


def _find_base(slots: list[int], used: bytearray, bases: set[int], position: int) -> int:
    """A base whose slots are all free: the first that fits among the free units of the last
    few 256-unit blocks (older blocks count as closed, as in Darts-clone), else a fresh block."""
    first = slots[0]
    candidate = used.find(0, max(1, len(used) - _OPEN_BLOCKS * 256))
    while candidate >= 0:
        base = candidate ^ first
        if base not in bases and base != position and all(
                base ^ s >= len(used) or not used[base ^ s] for s in slots):
            return _checked(base, position)
        candidate = used.find(0, candidate + 1)
    return _checked(len(used), position)  # the array grows by whole blocks: this one is empty


def _checked(base: int, position: int) -> int:
    if position ^ base >= _MAX_OFFSET:
        raise ValueError("charsmap too large for the double array's offsets")
    return base


def charsmap_of(normalize: Callable[[str], str]) -> dict[str, str]:
    """``{source: normalize(source)}`` for every character ``normalize`` changes, and for every
    canonical decomposition (2+ characters) that ``normalize`` maps differently as a whole than
    character by character (NFKC composing ``e`` + ``◌́`` into ``é``)."""
    chars = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    single = dict(zip(chars, _each(normalize, chars)))
    mapping = {c: out for c, out in single.items() if out != c}
    sequences = [s for s in (unicodedata.normalize("NFD", c) for c in chars if c >= "\x80") if len(s) > 1]
    for sequence, whole in zip(sequences, _each(normalize, sequences)):
        if whole != "".join(single[c] for c in sequence):
            mapping[sequence] = whole
    return mapping


def _each(normalize: Callable[[str], str], texts: list[str]) -> list[str]:
    """``normalize`` of each text, in one call on the texts joined by NUL (a starter that the
    Unicode forms, case and whitespace rules leave alone), or one by one if that is not kept."""
    out = normalize("\x00".join(texts)).split("\x00")
    return out if len(out) == len(texts) else [normalize(t) for t in texts]
