"""The new tokenizer made to feed the model as the old one did: its special tokens and template.

A model learned its special tokens' roles (``[CLS]`` first, ``[SEP]`` last for a BERT encoder;
``<|endoftext|>`` between documents for GPT-2) and the template that places them (the tokenizer's
post-processor). The new tokenizer gets:

* every role the model's tokenizer declares: the new tokenizer's own token for that role when it
  has one (by role or by the same content), else the old token itself, added as a special token
  after the new vocabulary (its row is then copied from the old one, as a shared token);
* the model's post-processing template with each token replaced by its counterpart, so that
  ``encode(text, add_special_tokens=True)`` frames the text as the model expects (a template the
  new tokenizer brought is replaced: the model never saw it).

Roles come from the checkpoint folder's ``tokenizer_config.json`` / ``special_tokens_map.json``
(``cls_token``, ``eos_token`` ...) when present, else from the usual names of special tokens.
"""

from __future__ import annotations

import json
import os

from ..formats.hf_folder import ROLES, infer_roles  # the one internal import of this package
from ..tokenizer import Tokenizer


def declared_roles(folder: str | os.PathLike | None) -> dict[str, str]:
    """``{role: token}`` from a folder's ``tokenizer_config.json`` or ``special_tokens_map.json``."""
    if folder is None or not os.path.isdir(folder):
        return {}
    roles: dict[str, str] = {}
    for name in ("special_tokens_map.json", "tokenizer_config.json"):  # the config has the last word
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        for role in ROLES:
            value = data.get(f"{role}_token") if isinstance(data, dict) else None
            if isinstance(value, dict):
                value = value.get("content")
            if isinstance(value, str):
                roles[role] = value
    return roles


def roles_of(tokenizer, folder: str | os.PathLike | None = None) -> dict[str, str]:
    """The special-token roles of ``tokenizer``: declared in ``folder``, else inferred; only
    tokens the tokenizer holds as special (or as its model's unknown token)."""
    roles = {**infer_roles(tokenizer), **declared_roles(folder)}
    known = set(tokenizer.special_tokens)
    return {r: t for r, t in roles.items() if t in known or tokenizer.token_to_id(t) is not None}


def _template_tokens(spec) -> list[str]:
    """The special tokens a post-processor's dict names (``[token, id]`` pairs, template lists)."""
    found = []
    if isinstance(spec, dict):
        if isinstance(spec.get("tokens"), list) and isinstance(spec.get("ids"), list):
            found += [t for t in spec["tokens"] if isinstance(t, str)]
        for key, value in spec.items():
            if key in ("sep", "cls") and isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
                found.append(value[0])
            elif isinstance(value, (dict, list)):
                found += _template_tokens(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _template_tokens(value)
    return found


def _remap_template(spec, mapping: dict[str, tuple[str, int]]):
    """The post-processor dict with each old token (content) replaced by ``mapping[content]``."""
    if isinstance(spec, dict):
        out = {}
        for key, value in spec.items():
            if key in ("sep", "cls") and isinstance(value, list) and len(value) == 2 and value[0] in mapping:
                out[key] = list(mapping[value[0]])
            else:
                out[key] = _remap_template(value, mapping)
        if isinstance(out.get("tokens"), list) and isinstance(out.get("ids"), list):
            pairs = [mapping.get(t, (t, i)) for t, i in zip(out["tokens"], out["ids"])]
            out["tokens"], out["ids"] = [p[0] for p in pairs], [p[1] for p in pairs]
            if out.get("id") in mapping:
                out["id"] = mapping[out["id"]][0]
        return out
    if isinstance(spec, list):
        return [_remap_template(v, mapping) for v in spec]
    return spec


def _rename_template_keys(spec: dict | None, mapping: dict[str, tuple[str, int]]):
    """TemplateProcessing names its special tokens by key: keys follow the contents."""
    if not isinstance(spec, dict) or spec.get("type") != "TemplateProcessing":
        if isinstance(spec, dict) and isinstance(spec.get("processors"), list):
            spec["processors"] = [_rename_template_keys(p, mapping) for p in spec["processors"]]
        return spec

    def rename(pieces):
        out = []
        for piece in pieces or []:
            body = piece.get("SpecialToken") if isinstance(piece, dict) else None
            if body and body.get("id") in mapping:
                piece = {"SpecialToken": {**body, "id": mapping[body["id"]][0]}}
            out.append(piece)
        return out

    spec["single"], spec["pair"] = rename(spec.get("single")), rename(spec.get("pair"))
    spec["special_tokens"] = {mapping.get(k, (k,))[0]: v for k, v in (spec.get("special_tokens") or {}).items()}
    return spec


def adopt_model_conventions(old_tokenizer, new_tokenizer, old_roles: dict[str, str],
                            new_roles: dict[str, str]) -> tuple[Tokenizer, dict[str, str], list[str]]:
    """``new_tokenizer`` with the model's roles and template (see the module's description):
    returns (tokenizer, its roles, the special tokens added to it)."""
    data = new_tokenizer.to_dict()
    specials: dict[str, int] = dict(data.get("special_tokens") or {})
    next_id = new_tokenizer.vocab_size
    template = (old_tokenizer.to_dict().get("post_processor"))
    needed = list(dict.fromkeys([*old_roles.values(), *_template_tokens(template)]))
    role_of = {token: role for role, token in old_roles.items()}
    mapping: dict[str, tuple[str, int]] = {}
    added = []
    roles = dict(new_roles)
    for content in needed:
        role = role_of.get(content)
        if content in specials:
            counterpart = content
        elif role in new_roles and new_roles[role] in specials:
            counterpart = new_roles[role]
        elif content not in specials and new_tokenizer.token_to_id(content) is not None and role == "unk":
            counterpart = content  # the model's own unknown token (WordPiece's [UNK] is not "special")
        else:
            counterpart = content
            specials[content] = next_id
            next_id += 1
            added.append(content)
        token_id = specials.get(counterpart, new_tokenizer.token_to_id(counterpart))
        mapping[content] = (counterpart, token_id)
        if role is not None:
            roles[role] = counterpart
    data["special_tokens"] = specials
    if template is not None:
        data["post_processor"] = _rename_template_keys(_remap_template(template, mapping), mapping)
    else:
        data.pop("post_processor", None)
    return Tokenizer.from_dict(data), roles, added
