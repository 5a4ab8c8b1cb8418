"""Rendering evaluation results: HTML page, Markdown, JSON and a terminal table.

The report computes nothing: it formats the plain results of :mod:`tokensmith.metrics`
(``Evaluation.to_dict()``, or that dict read back from ``results.json``).
"""

from .html import render_html
from .markdown import render_markdown
from .terminal import render_terminal
from .write import as_data, write_report

__all__ = ["render_html", "render_markdown", "render_terminal", "write_report", "as_data"]
