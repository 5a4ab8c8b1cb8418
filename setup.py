"""Build the compiled core.

Every top-level ``src/tokensmith/_core/_<name>.cpp`` becomes the extension module
``tokensmith._core._<name>``; shared header-only code lives in ``_core/include``.
Adding a kernel is adding a file: this script needs no edit.

``TOKENSMITH_EXT=_bpe,_split`` restricts a development build to some modules.
"""

import glob
import os
import sys

from pybind11.setup_helpers import Pybind11Extension, build_ext
from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
CORE = os.path.join("src", "tokensmith", "_core")
only = {m for m in os.environ.get("TOKENSMITH_EXT", "").split(",") if m}

extra_compile = ["-O3", "-fvisibility=hidden"]
if sys.platform != "win32":
    extra_compile += ["-Wall", "-Wno-unused-function"]

ext_modules = []
for source in sorted(glob.glob(os.path.join(HERE, CORE, "_*.cpp"))):
    name = os.path.splitext(os.path.basename(source))[0]
    if only and name not in only:
        continue
    ext_modules.append(
        Pybind11Extension(
            f"tokensmith._core.{name}",
            [os.path.relpath(source, HERE)],
            include_dirs=[os.path.join(CORE, "include")],
            cxx_std=17,
            extra_compile_args=list(extra_compile),  # pybind11 appends to the list it is given
            extra_link_args=["-pthread"],
        )
    )

# One extension per file: build them side by side on every core.
setup(ext_modules=ext_modules, cmdclass={"build_ext": build_ext},
      options={"build_ext": {"parallel": os.cpu_count() or 1}})
