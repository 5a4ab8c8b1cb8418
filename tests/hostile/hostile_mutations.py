"""Hypothesis strategies that damage a file the ways a truncated download, a bad editor or a
forger would: raw bytes, lines, JSON values (every field, wrong types, deep nesting, huge and
non-finite numbers) and protobuf fields."""

from __future__ import annotations

import copy
import json
import struct

from hypothesis import strategies as st

from hostile_seeds import HOSTILE_VALUES, INVALID_UTF8, join_fields, proto_fields, varint

# Values whose JSON text json.dumps cannot produce: they are spliced in as text.
DEEP = "\x00deep\x00"
HUGE_INT = "\x00huge\x00"
SPLICED = {json.dumps(DEEP): "[" * 100_000 + "]" * 100_000,
           json.dumps(HUGE_INT): "9" * 5_000}


# -- bytes ---------------------------------------------------------------------------------------
@st.composite
def damaged_bytes(draw, data: bytes, keep: int = 0) -> bytes:
    """``data`` truncated, with bytes flipped, invalid UTF-8 or NULs inserted, spans cut or doubled
    (its first ``keep`` bytes, a magic number, left alone so that the damage reaches the parser)."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        n = len(buf)
        at = draw(st.integers(min(keep, n), n))
        action = draw(st.sampled_from(["truncate", "flip", "insert", "cut", "double", "empty"]))
        if action == "truncate":
            del buf[at:]
        elif action == "flip" and n > keep:
            at = min(at, n - 1)
            buf[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            buf[at:at] = draw(st.sampled_from(INVALID_UTF8 + [b"\n", b" ", b"\r\n", b"\n\n"]))
        elif action == "cut":
            del buf[at:at + draw(st.integers(1, 64))]
        elif action == "double":
            buf[at:at] = buf[at:at + draw(st.integers(1, 64))]
        elif action == "empty":
            del buf[keep:]
    return bytes(buf)


# -- lines (vocab.txt, merges.txt, .tiktoken) ----------------------------------------------------
LINE_VALUES = [b"", b" ", b"\t", b"-1", b"0", b"1e5", b"nan", b"NaN", b"inf", b"18446744073709551616",
               b"9" * 5000, b"a b c", b"=", b"####", b"\x00", b"\xff\xfe", b"a" * 100_000] + INVALID_UTF8


@st.composite
def damaged_lines(draw, data: bytes) -> bytes:
    """Lines duplicated, dropped, swapped, or one word of a line replaced by a hostile value."""
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["duplicate", "drop", "swap", "word", "line"]))
        if action == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        elif action == "drop":
            del lines[i]
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "word":
            words = lines[i].split(b" ")
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(LINE_VALUES))
            lines[i] = b" ".join(words)
        else:
            lines[i] = draw(st.sampled_from(LINE_VALUES))
    return b"\n".join(lines)


# -- JSON ----------------------------------------------------------------------------------------
def _dumps(document) -> bytes:
    text = json.dumps(document, ensure_ascii=False)  # NaN and Infinity are written as Python does
    for marker, replacement in SPLICED.items():
        text = text.replace(marker, replacement)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def damaged_json(draw, data: bytes) -> bytes:
    """One value anywhere in the document replaced by a wrong type, a huge or non-finite number,
    a deep nesting, or removed; ids made negative or duplicate; containers emptied."""
    document = json.loads(data)
    for _ in range(draw(st.integers(1, 2))):
        parent, key = None, None
        node = document
        # walk down a random path; stop anywhere, so top-level fields are hit as often as leaves
        while isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)) > 0:
            keys = list(node) if isinstance(node, dict) else range(len(node))
            parent, key = node, draw(st.sampled_from(list(keys)))
            node = parent[key]
        if parent is None:
            document = draw(st.sampled_from([[], {}, None, 0, "", [document], DEEP]))
            document = copy.deepcopy(document)
            break
        action = draw(st.sampled_from(["value", "value", "delete", "empty", "same_as_sibling"]))
        if action == "value":
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE_VALUES + [DEEP, HUGE_INT])))
        elif action == "delete":
            del parent[key]
        elif action == "empty" and isinstance(node, (dict, list)):
            parent[key] = type(node)()
        elif action == "same_as_sibling":  # duplicate ids, duplicate tokens
            siblings = list(parent.values()) if isinstance(parent, dict) else parent
            parent[key] = copy.deepcopy(draw(st.sampled_from(siblings)))
    return _dumps(document)


# -- protobuf (SentencePiece .model) -------------------------------------------------------------
def _float_bits(value: float) -> int:
    return int.from_bytes(struct.pack("<f", value), "little")


FLOATS = [float("nan"), float("inf"), float("-inf"), 0.0, -1e38, 1e38, -0.0]
VARINTS = [0, 1, 2, 3, 4, 5, 6, 7, 255, 2**31, 2**32, 2**63, 2**64 - 1]


@st.composite
def damaged_piece(draw, message: bytes) -> bytes:
    items = proto_fields(message)
    action = draw(st.sampled_from(["text", "score", "type", "drop", "wire"]))
    if action == "text":
        text = draw(st.sampled_from([b"", b"\x00", b"\xff", b"\xe2\x96\x81", b"<unk>", b"<s>",
                                     b"a" * 70_000, b"<0x41>", b"<0xZZ>"]))
        items = [(1, 2, text) if n == 1 else (n, w, v) for n, w, v in items]
    elif action == "score":
        items = [(2, 5, _float_bits(draw(st.sampled_from(FLOATS)))) if n == 2 else (n, w, v)
                 for n, w, v in items]
    elif action == "type":
        items = [(n, w, v) for n, w, v in items if n != 3] + [(3, 0, draw(st.sampled_from(VARINTS)))]
    elif action == "drop" and items:
        del items[draw(st.integers(0, len(items) - 1))]
    elif action == "wire" and items:
        n, _w, _v = items.pop(draw(st.integers(0, len(items) - 1)))
        items.append(draw(st.sampled_from([(n, 0, 7), (n, 2, b"xx"), (n, 5, 7), (n, 1, 7)])))
    return join_fields(items)


@st.composite
def damaged_charsmap(draw, blob: bytes) -> bytes:
    if draw(st.booleans()):
        return draw(damaged_bytes(blob))
    size = draw(st.sampled_from([0, 4, 8, 2**31, 2**32 - 4, len(blob), int.from_bytes(blob[:4], "little") + 4]))
    return size.to_bytes(4, "little") + blob[4:]


@st.composite
def damaged_spec(draw, message: bytes, charsmap_field: int | None) -> bytes:
    items = proto_fields(message)
    i = draw(st.integers(0, len(items)))
    n = draw(st.sampled_from([1, 2, 3, 4, 5, 24, 35]))
    if charsmap_field is not None and draw(st.booleans()):
        blobs = [(j, v) for j, (k, w, v) in enumerate(items) if k == charsmap_field and w == 2]
        if blobs:
            j, blob = blobs[0]
            items[j] = (charsmap_field, 2, draw(damaged_charsmap(blob)))
            return join_fields(items)
    value = draw(st.sampled_from([(n, 0, v) for v in VARINTS] + [(n, 2, b""), (n, 2, b"\xff"), (n, 5, 0)]))
    items[i:i + draw(st.integers(0, 1))] = [value]
    return join_fields(items)


@st.composite
def damaged_model_proto(draw, data: bytes) -> bytes:
    """One piece, the trainer spec or the normalizer spec (its charsmap too) damaged; pieces
    duplicated or dropped; an unknown or wrongly typed top-level field added."""
    items = proto_fields(data)
    pieces = [i for i, (n, _w, _v) in enumerate(items) if n == 1]
    action = draw(st.sampled_from(["piece", "piece", "trainer", "normalizer", "normalizer", "duplicate",
                                   "drop_pieces", "top", "cut_key"]))
    if action == "piece":
        i = draw(st.sampled_from(pieces))
        items[i] = (1, 2, draw(damaged_piece(items[i][2])))
    elif action in ("trainer", "normalizer"):
        number = 2 if action == "trainer" else 3
        found = [i for i, (n, w, _v) in enumerate(items) if n == number and w == 2]
        spec = items[found[0]][2] if found else b""
        new = draw(damaged_spec(spec, 2 if number == 3 else None))
        if found:
            items[found[0]] = (number, 2, new)
        else:
            items.append((number, 2, new))
    elif action == "duplicate":
        items.insert(draw(st.integers(0, len(items))), items[draw(st.sampled_from(pieces))])
    elif action == "drop_pieces":
        keep = draw(st.sampled_from([0, 1, 2, 3]))
        items = [items[i] for i in pieces[:keep]] + [f for f in items if f[0] != 1]
    elif action == "top":
        n = draw(st.sampled_from([1, 2, 3, 4, 99, 2**29 - 1]))
        items.append(draw(st.sampled_from([(n, 0, 2**64 - 1), (n, 2, b"\xff" * 3), (n, 5, 1), (n, 1, 1)])))
    else:  # a last field cut after its key
        return join_fields(items) + varint(8)
    return join_fields(items)
