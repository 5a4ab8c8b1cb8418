"""Writing a report directory: ``report.html``, ``report.md`` and ``results.json``.

Each file is written to a temporary name and renamed, so an interrupted run never leaves a
half-written report.
"""

from __future__ import annotations

import json
import math
import os

from ..formats.atomic import atomic_write
from .html import render_html
from .markdown import render_markdown

FILES = {"html": "report.html", "markdown": "report.md", "json": "results.json"}


def as_data(evaluation) -> dict:
    """``Evaluation`` or an already loaded results dict -> a JSON-safe dict."""
    from .. import __version__

    data = evaluation if isinstance(evaluation, dict) else evaluation.to_dict()
    data = _finite(dict(data))
    data.setdefault("version", __version__)
    return data


def _finite(value):
    """JSON has no NaN or infinity: they become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def write_report(evaluation, directory: str | os.PathLike, title: str = "Tokenizer report") -> dict[str, str]:
    """Write the three files into ``directory`` (created if missing); returns their paths."""
    data = as_data(evaluation)
    directory = os.fspath(directory)
    if os.path.exists(directory) and not os.path.isdir(directory):
        from ..errors import OptionError

        raise OptionError(f"{directory}: output exists and is not a directory")
    paths = {k: os.path.join(directory, v) for k, v in FILES.items()}
    rendered = {"html": render_html(data, title), "markdown": render_markdown(data, title),
                "json": json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"}
    for kind, text in rendered.items():
        with atomic_write(paths[kind]) as f:
            f.write(text)
    return paths
