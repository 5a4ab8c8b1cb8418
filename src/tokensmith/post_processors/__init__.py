"""Post-processors: what ``encode(..., add_special_tokens=True)`` adds around the ids.

* :mod:`.hf` — HF's ``TemplateProcessing``, ``BertProcessing``, ``RobertaProcessing``,
  ``ByteLevel`` and sequences, as ``tokenizer.json`` files declare them.
"""
