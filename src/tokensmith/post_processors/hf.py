"""HF ``post_processor``s: what ``encode(..., add_special_tokens=True)`` adds around the ids.

``TemplateProcessing`` (``$A </s>``, Whisper's ``<|startoftranscript|> <|notimestamps|> $A
<|endoftext|>``), ``BertProcessing`` (``[CLS] $A [SEP] $B [SEP]``), ``RobertaProcessing``
(``<s> $A </s> </s> $B </s>``), ``ByteLevel`` (offsets only: ids unchanged) and ``Sequence``.

They follow ``tokenizers``' ``PostProcessor::process``: each sequence first gets the type id of its
position (0 for the first, 1 for the pair), ``process_encodings`` adds the special tokens (only
when ``add_special_tokens``) and sets the type ids, and the encodings are concatenated. Offsets
are not computed. Each processor's ``to_dict`` is its HF spec, so files save back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..components import Stage, register
from ..errors import ModelFileError, OptionError


class Encoding:
    """One encoded text (or pair), as HF's ``Encoding`` without offsets.

    ``special_tokens_mask`` is 1 for the tokens the post-processor added, 0 for the text's own
    (a special token written in the text counts as text, as in HF); ``sequence_ids`` is 0 or 1
    for the tokens of the first or the pair sequence and ``None`` for the added ones.
    """

    __slots__ = ("ids", "type_ids", "special_tokens_mask", "sequence_ids", "_tokens", "_to_token")

    def __init__(self, ids: list[int], type_ids: list[int], special_tokens_mask: list[int],
                 sequence_ids: list[int | None], tokens: list[str | None],
                 to_token: Callable[[int], str | None] | None = None):
        self.ids, self.type_ids = ids, type_ids
        self.special_tokens_mask, self.sequence_ids = special_tokens_mask, sequence_ids
        self._tokens, self._to_token = tokens, to_token

    @classmethod
    def of_sequence(cls, ids: list[int], to_token: Callable[[int], str | None], index: int = 0,
                    tokens: list[str | None] | None = None) -> "Encoding":
        """A text's ids; the token strings not given (None) are looked up only if asked for."""
        n = len(ids)
        tokens = list(tokens or [])
        return cls(list(ids), [index] * n, [0] * n, [index] * n, tokens + [None] * (n - len(tokens)),
                   to_token)

    @classmethod
    def of_specials(cls, ids: Sequence[int], tokens: Sequence[str], type_id: int) -> "Encoding":
        n = len(ids)
        return cls(list(ids), [type_id] * n, [1] * n, [None] * n, list(tokens))

    @property
    def tokens(self) -> list[str | None]:
        if self._to_token is not None and None in self._tokens:
            self._tokens = [self._to_token(i) if t is None else t for i, t in zip(self.ids, self._tokens)]
        return self._tokens

    @property
    def attention_mask(self) -> list[int]:
        return [1] * len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Encoding(ids={self.ids}, type_ids={self.type_ids})"

    def with_type_id(self, type_id: int) -> "Encoding":
        return Encoding(self.ids, [type_id] * len(self.ids), self.special_tokens_mask,
                        self.sequence_ids, self._tokens, self._to_token)

    @staticmethod
    def merge(encodings: Sequence["Encoding"]) -> "Encoding":
        out = Encoding([], [], [], [], [])
        for e in encodings:
            out.ids += e.ids
            out.type_ids += e.type_ids
            out.special_tokens_mask += e.special_tokens_mask
            out.sequence_ids += e.sequence_ids
            out._tokens += e._tokens
            out._to_token = out._to_token or e._to_token
        return out


class PostProcessor(Stage):
    stage = "post_processor"

    def process(self, encodings: list[Encoding], add_special_tokens: bool) -> list[Encoding]:
        """HF's ``process_encodings``: the sequences (one or a pair) with special tokens added."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


def post_process(processor: PostProcessor | None, first: Encoding, pair: Encoding | None,
                 add_special_tokens: bool) -> Encoding:
    """HF's ``PostProcessor::process`` (and its default without a processor): the sequences
    (made by :meth:`Encoding.of_sequence` with their type id 0 or 1), the processor, then one
    concatenated encoding."""
    encodings = [first] if pair is None else [first, pair]
    if processor is not None:
        encodings = processor.process(encodings, add_special_tokens)
    return Encoding.merge(encodings)


def _special(spec, what: str, path) -> tuple[str, int]:
    if not (isinstance(spec, (list, tuple)) and len(spec) == 2 and isinstance(spec[0], str)
            and isinstance(spec[1], int) and not isinstance(spec[1], bool) and spec[1] >= 0):
        raise ModelFileError(path, f"post-processor {what} is not [token, id]: {spec!r}")
    return spec[0], spec[1]


@register
class BertProcessing(PostProcessor):
    """``[CLS] $A [SEP]`` and ``[CLS] $A [SEP] $B [SEP]``; the pair part has type id 1."""

    kind = "BertProcessing"

    def __init__(self, sep: tuple[str, int], cls: tuple[str, int]):
        self.sep, self.cls = tuple(sep), tuple(cls)

    def process(self, encodings, add_special_tokens):
        if not add_special_tokens:
            return encodings
        cls_, sep = self.cls, self.sep
        out = [Encoding.of_specials([cls_[1]], [cls_[0]], 0), encodings[0],
               Encoding.of_specials([sep[1]], [sep[0]], 0)]
        if len(encodings) > 1:
            out += [encodings[1], Encoding.of_specials([sep[1]], [sep[0]], 1)]
        return out

    def to_dict(self):
        return {"type": self.kind, "sep": list(self.sep), "cls": list(self.cls)}

    @classmethod
    def from_dict(cls, data, path="<post_processor>"):
        return cls(_special(data.get("sep"), "sep", path), _special(data.get("cls"), "cls", path))


@register
class RobertaProcessing(PostProcessor):
    """``<s> $A </s>`` and ``<s> $A </s> </s> $B </s>``; every type id is 0 (HF: "Roberta is
    weird, and every encoding is type_id=0"), with or without the special tokens."""

    kind = "RobertaProcessing"

    def __init__(self, sep: tuple[str, int], cls: tuple[str, int], trim_offsets: bool = True,
                 add_prefix_space: bool = True):
        self.sep, self.cls = tuple(sep), tuple(cls)
        self.trim_offsets, self.add_prefix_space = bool(trim_offsets), bool(add_prefix_space)

    def process(self, encodings, add_special_tokens):
        encodings = [e.with_type_id(0) for e in encodings]
        if not add_special_tokens:
            return encodings
        cls_, sep = self.cls, self.sep
        out = [Encoding.of_specials([cls_[1]], [cls_[0]], 0), encodings[0],
               Encoding.of_specials([sep[1]], [sep[0]], 0)]
        if len(encodings) > 1:
            out += [Encoding.of_specials([sep[1]], [sep[0]], 0), encodings[1],
                    Encoding.of_specials([sep[1]], [sep[0]], 0)]
        return out

    def to_dict(self):
        return {"type": self.kind, "sep": list(self.sep), "cls": list(self.cls),
                "trim_offsets": self.trim_offsets, "add_prefix_space": self.add_prefix_space}

    @classmethod
    def from_dict(cls, data, path="<post_processor>"):
        return cls(_special(data.get("sep"), "sep", path), _special(data.get("cls"), "cls", path),
                   data.get("trim_offsets", True), data.get("add_prefix_space", True))


@register
class ByteLevelProcessing(PostProcessor):
    """HF's ``ByteLevel`` post-processor: it only trims offsets, so ids and type ids are unchanged."""

    kind = "ByteLevel"

    def __init__(self, spec: dict[str, Any] | None = None):
        self.spec = {"type": self.kind, **{k: v for k, v in (spec or {}).items() if k != "type"}}

    def process(self, encodings, add_special_tokens):
        return encodings

    def to_dict(self):
        return dict(self.spec)

    @classmethod
    def from_dict(cls, data, path="<post_processor>"):
        return cls(data)


@dataclass(frozen=True)
class _Piece:
    sequence: str | None  # "A" or "B" for a sequence, None for a special token
    special: str | None   # the special token's key in ``special_tokens``
    type_id: int


def _pieces(spec, name: str, path) -> list[_Piece]:
    if not isinstance(spec, list):
        raise ModelFileError(path, f"TemplateProcessing {name} template is not a list")
    pieces = []
    for entry in spec:
        if isinstance(entry, dict) and len(entry) == 1 and "Sequence" in entry:
            body = entry["Sequence"]
            if not isinstance(body, dict) or body.get("id") not in ("A", "B"):
                raise ModelFileError(path, f"TemplateProcessing {name}: bad sequence {body!r}")
            pieces.append(_Piece(body["id"], None, int(body.get("type_id", 0))))
        elif isinstance(entry, dict) and len(entry) == 1 and "SpecialToken" in entry:
            body = entry["SpecialToken"]
            if not isinstance(body, dict) or not isinstance(body.get("id"), str):
                raise ModelFileError(path, f"TemplateProcessing {name}: bad special token {body!r}")
            pieces.append(_Piece(None, body["id"], int(body.get("type_id", 0))))
        else:
            raise ModelFileError(path, f"TemplateProcessing {name}: unknown piece {entry!r}")
    return pieces


def _piece_json(piece: _Piece) -> dict[str, Any]:
    if piece.sequence is not None:
        return {"Sequence": {"id": piece.sequence, "type_id": piece.type_id}}
    return {"SpecialToken": {"id": piece.special, "type_id": piece.type_id}}


@register
class TemplateProcessing(PostProcessor):
    """HF's templates: sequences ``$A``/``$B`` and special tokens, each with a type id.

    A template's special token may stand for several ids (``special_tokens[key].ids`` with their
    ``tokens``). Without ``add_special_tokens`` only the sequences' type ids apply.
    """

    kind = "TemplateProcessing"

    def __init__(self, single: list[_Piece], pair: list[_Piece],
                 special_tokens: dict[str, tuple[list[int], list[str]]]):
        self.single, self.pair, self.special_tokens = single, pair, special_tokens

    @classmethod
    def simple(cls, single: str, pair: str, special_tokens: dict[str, int]) -> "TemplateProcessing":
        """From HF's string form, e.g. ``"<s>:0 $A:0"``, with one id per special token."""
        def parse(template: str) -> list[_Piece]:
            out = []
            for word in template.split():
                name, _, type_id = word.partition(":")
                type_id = int(type_id or 0)
                if name in ("$A", "$B"):
                    out.append(_Piece(name[1], None, type_id))
                elif name in special_tokens:
                    out.append(_Piece(None, name, type_id))
                else:
                    raise OptionError(f"template piece {word!r} is neither $A, $B nor a given special token")
            return out
        return cls(parse(single), parse(pair), {s: ([i], [s]) for s, i in special_tokens.items()})

    def process(self, encodings, add_special_tokens):
        template = self.single if len(encodings) == 1 else self.pair
        out = []
        for piece in template:
            if piece.sequence is not None:
                index = 0 if piece.sequence == "A" else 1
                if index >= len(encodings):
                    raise OptionError(f"the template uses ${piece.sequence} but no pair was given")
                out.append(encodings[index].with_type_id(piece.type_id))
            elif add_special_tokens:
                ids, tokens = self.special_tokens[piece.special]
                out.append(Encoding.of_specials(ids, tokens, piece.type_id))
        return out

    def to_dict(self):
        return {"type": self.kind, "single": [_piece_json(p) for p in self.single],
                "pair": [_piece_json(p) for p in self.pair],
                "special_tokens": {k: {"id": k, "ids": list(ids), "tokens": list(tokens)}
                                   for k, (ids, tokens) in self.special_tokens.items()}}

    @classmethod
    def from_dict(cls, data, path="<post_processor>"):
        single = _pieces(data.get("single", [{"Sequence": {"id": "A", "type_id": 0}}]), "single", path)
        pair = _pieces(data.get("pair", [{"Sequence": {"id": "A", "type_id": 0}},
                                         {"Sequence": {"id": "B", "type_id": 1}}]), "pair", path)
        specials = {}
        for key, body in (data.get("special_tokens") or {}).items():
            ids, tokens = (body or {}).get("ids"), (body or {}).get("tokens")
            if not (isinstance(ids, list) and isinstance(tokens, list) and len(ids) == len(tokens)
                    and all(isinstance(i, int) and i >= 0 for i in ids)):
                raise ModelFileError(path, f"TemplateProcessing special token {key!r} needs as many "
                                           "ids as tokens")
            specials[key] = ([int(i) for i in ids], [str(t) for t in tokens])
        missing = sorted({p.special for p in single + pair if p.special is not None} - set(specials))
        if missing:
            raise ModelFileError(path, f"TemplateProcessing uses special tokens it does not define: {missing}")
        return cls(single, pair, specials)


@register
class SequenceProcessing(PostProcessor):
    """HF's ``Sequence`` post-processor: each processor in turn on the same encodings."""

    kind = "Sequence"

    def __init__(self, processors: list[PostProcessor]):
        self.processors = list(processors)

    def process(self, encodings, add_special_tokens):
        for processor in self.processors:
            encodings = processor.process(encodings, add_special_tokens)
        return encodings

    def to_dict(self):
        return {"type": self.kind, "processors": [p.to_dict() for p in self.processors]}

    @classmethod
    def from_dict(cls, data, path="<post_processor>"):
        parts = data.get("processors")
        if not isinstance(parts, list):
            raise ModelFileError(path, "Sequence post-processor has no processors list")
        return cls([build_post_processor(p, path) for p in parts])


PROCESSORS = {cls.kind: cls for cls in (BertProcessing, RobertaProcessing, ByteLevelProcessing,
                                        TemplateProcessing, SequenceProcessing)}


def build_post_processor(spec: dict[str, Any] | None, path) -> PostProcessor | None:
    """The post-processor of an HF ``tokenizer.json`` (``None`` when the file has none)."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise ModelFileError(path, f"post_processor is not an object: {spec!r}")
    cls = PROCESSORS.get(spec.get("type"))
    if cls is None:
        raise ModelFileError(path, f"HF post-processor {spec.get('type')!r} is not supported "
                                   f"(supported: {sorted(PROCESSORS)})")
    try:
        return cls.from_dict(spec, path)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(path, f"malformed {spec.get('type')} post-processor ({exc})") from None


def bos_template(bos: str, bos_id: int) -> TemplateProcessing:
    """transformers' Llama/Mistral default (``add_bos_token=True``, ``add_eos_token=False``):
    ``<s>:0 $A:0`` and ``<s>:0 $A:0 <s>:1 $B:1``."""
    return TemplateProcessing.simple(f"{bos}:0 $A:0", f"{bos}:0 $A:0 {bos}:1 $B:1", {bos: bos_id})
