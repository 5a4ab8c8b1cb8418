"""Readable pure-Python twins of the compiled kernels: the oracle the kernels are tested against."""
