"""``tokensmith methods [METHOD...]``: the training methods and their options."""

from __future__ import annotations

import re
import textwrap

from ..errors import spell
from ..trainers.options import own_specs, specs
from .train import SPELLING

# Options the command line sets another way (``--quiet``), left out of the listing.
NOT_LISTED = ("progress",)


def add_parser(sub) -> None:
    p = sub.add_parser("methods", help="list the training methods and their options",
                       description="Each training method with its options, their types, defaults "
                                   "and meaning. Set them with `tokensmith train --method NAME`: the "
                                   "shared ones by their flags, the others with -O NAME=VALUE.")
    p.add_argument("methods", nargs="*", metavar="METHOD", help="methods to describe (default: all)")
    p.set_defaults(func=run, extra_spelling=SPELLING)


def run(args) -> int:
    from ..trainers import TRAINERS, trainer_of
    from ..trainers.options import CorpusOptions

    methods = args.methods or list(TRAINERS)
    for method in methods:
        trainer_of(method)  # an unknown name is an error that lists the known ones
    print("options of every method (unless it lists its own default):")
    print("\n".join(describe_options(specs(CorpusOptions))))
    for method in methods:
        print()
        print(describe_method(method))
    return 0


def describe_method(method: str) -> str:
    """A method's summary line and its own options (beyond those every method has), spelled as
    the command line takes them (run inside :func:`tokensmith.errors.command_line_spelling`)."""
    from ..trainers import options_of, trainer_of

    summary = (trainer_of(method).__doc__ or "").strip().split("\n\n")[0]
    summary = re.sub(r":\w+:`~?([^`]+)`", r"\1", summary).replace("``", "")
    lines = [f"{method}: " + " ".join(summary.split())]
    options = options_of(method)
    if options is None:
        return "\n".join(lines + ["  (options not declared)"])
    return "\n".join(lines + (describe_options(own_specs(options)) or ["  (no options of its own)"]))


def describe_options(option_specs) -> list[str]:
    """Two lines or more per option: flag and value, then help and default."""
    from ..trainers.option_types import metavar

    lines = []
    for spec in option_specs:
        if spec.name in NOT_LISTED:
            continue
        flag, value = spell(spec.name), metavar(spec.type)
        if "CALLABLE" in value:
            lines.append(f"  {spec.name} (Python only)")
        else:
            lines.append(f"  {flag}={value}" if flag.startswith("-O ") else f"  {flag} {value}")
        default = "required" if spec.required else f"default: {spec.default_text}"
        lines += textwrap.wrap(f"{spec.help} ({default})", width=96, initial_indent="      ",
                               subsequent_indent="      ")
    return lines
