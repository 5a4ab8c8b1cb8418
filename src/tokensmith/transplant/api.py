"""``tokensmith.transplant``: a Hugging Face checkpoint moved onto a new tokenizer.

Steps: read the checkpoint (:mod:`tokensmith.checkpoint`) and its tokenizer; give the new
tokenizer the model's special-token roles and template (:mod:`.special_tokens`); match the two
vocabularies (:mod:`.matching`); build the new input embeddings (and the untied head) with the
chosen method (:mod:`.methods`); write a folder that ``transformers`` loads as it is: weights with
every other tensor unchanged, ``config.json`` with ``vocab_size`` and the special-token ids of the
new vocabulary, and the new tokenizer's ``save_pretrained`` files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import InputError, ModelFileError, OptionError
from ..progress import QUIET, Progress
from .context import TransplantContext
from .matching import match_vocabularies
from .methods import method_module
from .special_tokens import adopt_model_conventions, roles_of


@dataclass
class TransplantResult:
    """What :func:`transplant` wrote and how the vocabularies met."""
    output_dir: str
    method: str
    old_vocab_size: int
    new_vocab_size: int
    shared: int                       # new tokens copied from the old vocabulary (specials included)
    added_special_tokens: list[str]   # the model's special tokens the new tokenizer gained
    config_changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _load_tokenizer(spec, what: str):
    from ..tokenizer import Tokenizer

    if isinstance(spec, Tokenizer):
        return spec
    from ..formats import load

    return load(os.fspath(spec))


def read_corpus(corpus) -> list[str] | None:
    """Texts from ``corpus``: a list of texts, a path, or a list of paths (one text per line)."""
    if corpus is None:
        return None
    paths = [corpus] if isinstance(corpus, (str, os.PathLike)) else list(corpus)
    if paths and not all(isinstance(p, (str, os.PathLike)) and os.path.exists(p) for p in paths):
        if all(isinstance(p, str) for p in paths):
            return paths  # a list of texts
    texts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                texts += [line.rstrip("\n") for line in f if line.strip()]
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=path) from None
        except UnicodeDecodeError as exc:
            raise InputError("invalid UTF-8", path=path, offset=exc.start) from None
    return texts


def _method(method) -> tuple[str, Callable]:
    if isinstance(method, str):
        return method, method_module(method).initialize
    if callable(method):
        return getattr(method, "__name__", "custom"), method
    if hasattr(method, "initialize"):
        return getattr(method, "__name__", "custom"), method.initialize
    raise OptionError(f"method must be a name, a module or a function, not {type(method).__name__}")


def transplant(model_dir, new_tokenizer, method="omp", corpus=None, output_dir=None, *,
               seed: int = 0, overwrite: bool = False, progress: bool | Progress = False,
               **options) -> TransplantResult:
    """Move the checkpoint in ``model_dir`` onto ``new_tokenizer`` (a path or a ``Tokenizer``)
    with ``method`` (``"copy"``, ``"fvt"``, ``"omp"``, ... see :data:`METHODS`), writing
    ``output_dir``. ``corpus`` (texts, a file or files) is for methods that learn from text;
    ``options`` are the method's own."""
    from ..checkpoint import CheckpointWriter, open_checkpoint, remap_config
    from ..checkpoint.reader import read_json

    if output_dir is None:
        raise OptionError("transplant needs output_dir, the folder to write")
    name, initialize = _method(method)
    reporter = progress if isinstance(progress, Progress) else (Progress(label="transplant") if progress else QUIET)
    ckpt = open_checkpoint(model_dir)
    try:
        old = _load_tokenizer(ckpt.folder, "model")
    except ModelFileError as exc:
        raise ModelFileError(ckpt.folder, f"has no tokenizer this can read ({exc})") from None
    new = _load_tokenizer(new_tokenizer, "new")
    if old.vocab_size > ckpt.vocab_rows:
        raise ModelFileError(ckpt.folder, f"the tokenizer has {old.vocab_size} ids but the input embeddings "
                             f"{ckpt.tensors.input!r} only {ckpt.vocab_rows} rows")
    old_roles = roles_of(old, ckpt.folder)
    new_folder = None if not isinstance(new_tokenizer, (str, os.PathLike)) else os.fspath(new_tokenizer)
    new_roles = roles_of(new, new_folder if new_folder and os.path.isdir(new_folder) else None)
    new, roles, added = adopt_model_conventions(old, new, old_roles, new_roles)
    with reporter.phase("matching vocabularies"):
        match = match_vocabularies(old, new, old_roles, roles)
    if not match.shared_text:
        raise InputError(f"the new tokenizer shares no token with the model's ({ckpt.folder}): no row "
                         "can be carried over")

    phase_now: list = []  # the phase a method reports its batches to

    def report(stage, done, total):
        if phase_now:
            phase_now[-1].status(f"{stage} {done:,}/{total:,}")
            phase_now[-1].set(done)

    ctx = TransplantContext(old_tokenizer=old, new_tokenizer=new, shared=match.shared,
                            corpus=read_corpus(corpus), seed=seed, options=dict(options),
                            progress=report, match=match)
    embeddings = ckpt.input_embeddings()[:old.vocab_size]
    ctx.input_embeddings = embeddings
    replaced = {}
    with reporter.phase(f"{name}: input embeddings") as phase:
        phase_now[:] = [phase]
        new_embeddings = _checked(initialize(ctx, embeddings), new.vocab_size, embeddings.shape[1], name)
    replaced[ckpt.tensors.input] = new_embeddings
    for copy in ckpt.tensors.input_copies:
        replaced[copy] = new_embeddings
    if ckpt.tensors.output is not None:
        head = ckpt.read_float32(ckpt.tensors.output)[:old.vocab_size]
        with reporter.phase(f"{name}: output head") as phase:
            phase_now[:] = [phase]
            replaced[ckpt.tensors.output] = _checked(initialize(ctx, head), new.vocab_size, head.shape[1], name)
    for bias in ckpt.tensors.biases:
        replaced[bias] = _resized_bias(ckpt.read_float32(bias), old.vocab_size, ctx)

    old_to_new = _special_id_map(old, new, match.shared, old_roles, roles)
    config, changes = remap_config(ckpt.config, old_to_new.get, new.vocab_size)
    model_max_length = ckpt.tokenizer_config.get("model_max_length")
    if not (isinstance(model_max_length, int) and 0 < model_max_length < 10**9):
        model_max_length = None
    with reporter.phase("writing"), CheckpointWriter(ckpt, output_dir, overwrite=overwrite) as writer:
        writer.write_weights(replaced)
        writer.write_json("config.json", config)
        generation = os.path.join(ckpt.folder, "generation_config.json")
        if os.path.exists(generation):
            writer.write_json("generation_config.json", remap_config(read_json(generation), old_to_new.get)[0])
        writer.copy_other_files(skip={"generation_config.json"})
        new.save_pretrained(writer.folder, roles={r: t for r, t in roles.items()},
                            model_max_length=model_max_length)
    return TransplantResult(os.path.abspath(os.fspath(output_dir)), name, old.vocab_size, new.vocab_size,
                            len(match.shared), added, changes)


def _checked(matrix, rows: int, width: int, name: str) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.shape != (rows, width):
        raise ValueError(f"transplant method {name!r} returned shape {matrix.shape}, not {(rows, width)}")
    return matrix


def _resized_bias(bias: np.ndarray, old_rows: int, ctx: TransplantContext) -> np.ndarray:
    """A vocabulary-sized bias: shared entries copied, the rest the mean (as :mod:`.methods.copy_shared`)."""
    flat = bias.reshape(-1)[:old_rows]
    out = np.full(ctx.new_vocab_size, flat.mean(), dtype=np.float32)
    for n, o in ctx.shared.items():
        out[n] = flat[o]
    return out.reshape(*bias.shape[:-1], ctx.new_vocab_size)


def _special_id_map(old, new, shared: dict[int, int], old_roles: dict[str, str],
                    new_roles: dict[str, str]) -> dict[int, int]:
    """Old id -> new id for the tokens a config names: the roles' tokens, then any shared token."""
    out = {}
    for n, o in sorted(shared.items(), reverse=True):  # the lowest new id wins
        out[o] = n
    for role, token in old_roles.items():
        old_id, new_token = old.token_to_id(token), new_roles.get(role)
        if old_id is not None and new_token is not None and new.token_to_id(new_token) is not None:
            out[old_id] = new.token_to_id(new_token)
    return out


def transplant_methods() -> Sequence[str]:
    from .methods import METHODS

    return list(METHODS)
