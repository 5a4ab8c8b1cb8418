"""Hugging Face checkpoint folders with numpy alone: the vocabulary matrices, read and rewritten.

>>> ckpt = open_checkpoint("all-MiniLM-L6-v2")                # doctest: +SKIP
>>> ckpt.input_embeddings().shape, ckpt.tied                  # doctest: +SKIP
((30522, 384), True)

* :func:`open_checkpoint` -> :class:`Checkpoint`: ``.config`` (``config.json``), ``.tensors``
  (the token-indexed tensor names, :class:`VocabularyTensors`), ``.input_embeddings()`` and
  ``.output_embeddings()`` (float32; ``None`` when tied), ``.tied``, ``.read(name)`` for any tensor.
* :class:`CheckpointWriter`: a new folder, atomically, with replaced matrices in their dtype and
  every other tensor byte-identical; :func:`remap_config` updates ``vocab_size`` and token ids.
"""

from .architecture import VocabularyTensors, vocabulary_tensors
from .config_ids import remap_config, token_id_fields
from .reader import Checkpoint, open_checkpoint
from .safetensors_file import SafetensorsFile
from .writer import CheckpointWriter

__all__ = ["Checkpoint", "CheckpointWriter", "SafetensorsFile", "VocabularyTensors", "open_checkpoint",
           "remap_config", "token_id_fields", "vocabulary_tensors"]
