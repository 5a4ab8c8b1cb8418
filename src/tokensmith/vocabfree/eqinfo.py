"""Equal-Info Windows: arithmetic coding of text under a byte model, in windows of N bits.

Paper: Brian Lester, Jaehoon Lee, Alex Alemi, Jeffrey Pennington, Adam Roberts, Jascha
Sohl-Dickstein, Noah Constant, "Training LLMs over Neurally Compressed Text" (2024).

As published:

* text is arithmetic-coded (AC) under a byte language model ("M1");
* the bit stream is cut into windows that each hold (at most) ``window_bits`` bits: a window
  takes as many bytes as fit, and at every window boundary both the coder and the model's
  context are reset, so each window decodes on its own;
* a window's bits are read as tokens of ``token_bits`` bits (``window_bits = 16`` and
  ``token_bits = 16`` is the paper's EqualInfoAC[b=16, v=65k]; ``token_bits = 8`` its v=256).

Adapted:

* M1 is the byte n-gram model of :mod:`tokensmith.vocabfree.byte_model` (or any object with
  ``distributions(data)``), not a small transformer. Its probabilities are quantised to integer
  frequencies summing to 2^16 - 1, each at least ``min_probability`` of it (default 2^-12), so
  any byte costs at most 12 bits and a window of 16 bits always holds one;
* coding is exact (Python integers, no renormalisation): after k bytes the interval is
  [low, low + width) / (2^16 - 1)^k, and a window is a ``window_bits``-bit number ``c``, the
  interval [c, c+1) / 2^N;
* where a window ends is not stored: the decoder reads bytes while the window's interval lies
  inside one byte's sub-interval and stops at the first that it straddles. The encoder therefore
  chooses, for the longest run of bytes whose interval holds one, a window whose interval
  straddles a boundary of the next byte's sub-intervals, so the decoder stops exactly there.
  Windows are padded to exactly ``window_bits`` bits (the paper's windows are equal-sized too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ..errors import InputError, OptionError

# Odd on purpose: boundaries between bytes' sub-intervals are then never multiples of 2^-N, so a
# window can straddle one at any depth (with 2^16 they all fall on the grid of windows wider than
# 16 bits per byte read, and the last bytes of a text could not be marked).
TOTAL = (1 << 16) - 1
MAX_WINDOW_BITS = 4096
MARK_BITS = 4       # slack beyond the costliest byte so that a one-byte window can mark its end


def quantize(p: np.ndarray, floor: int) -> np.ndarray:
    """Integer frequencies (rows summing to ``TOTAL`` = 2^16 - 1, each >= ``floor``) from probabilities ``p``
    (rows of 256); the rounding remainder goes to each row's most probable byte."""
    p = np.atleast_2d(np.asarray(p, dtype=np.float64))
    p = p / p.sum(axis=1, keepdims=True)
    f = floor + np.floor(p * (TOTAL - 256 * floor)).astype(np.int64)
    f[np.arange(len(f)), p.argmax(axis=1)] += TOTAL - f.sum(axis=1)
    return f


@dataclass
class EqualInfoCoder:
    """Encodes bytes into ``window_bits``-bit windows (read as ``token_bits``-bit tokens) and
    back, under ``model`` (anything with ``distributions(data) -> (len(data), 256)``)."""

    model: object
    window_bits: int = 16
    token_bits: int = 16
    min_probability: float = 2.0 ** -12

    def __post_init__(self):
        if not (isinstance(self.min_probability, float) and 0 < self.min_probability <= 1 / 256):
            raise OptionError(f"min_probability must be in (0, 1/256], got {self.min_probability!r}")
        self.floor = max(1, math.ceil(self.min_probability * TOTAL))
        self.max_byte_bits = math.ceil(-math.log2(self.floor / TOTAL))
        need = self.max_byte_bits + MARK_BITS
        if not isinstance(self.window_bits, int) or not need <= self.window_bits <= MAX_WINDOW_BITS:
            raise OptionError(
                f"window bits too small or too large: {self.window_bits!r}; a window must hold the least "
                f"probable byte ({self.max_byte_bits} bits at min_probability 2^"
                f"{math.log2(self.floor / TOTAL):.0f}) plus {MARK_BITS} bits to mark its end, so "
                f"{need} <= window_bits <= {MAX_WINDOW_BITS}")
        if not isinstance(self.token_bits, int) or self.token_bits < 1 or self.window_bits % self.token_bits:
            raise OptionError(f"token_bits ({self.token_bits!r}) must divide window_bits ({self.window_bits})")

    # -- encoding ---------------------------------------------------------------------------
    def encode_windows(self, data: bytes | str) -> list[int]:
        """The windows of ``data``: integers below 2^window_bits."""
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        windows, start = [], 0
        while start < len(data):
            length, code = self._window(data, start)
            windows.append(code)
            start += length
        return windows

    def _window(self, data: bytes, start: int) -> tuple[int, int]:
        """Longest run of bytes from ``start`` that one window holds, and that window."""
        b = self.window_bits
        low, width, scale = 0, 1, 1       # interval [low, low + width) / scale, scale = T^k
        best = None
        span = b // 2 + 2                  # a guess at the bytes a window holds (~3 bits each)
        freqs = self._freqs(data[start:start + span])
        k = 0
        while start + k < len(data):
            if k == len(freqs) - 1:       # the run outgrew the rows computed: compute more
                span *= 2
                freqs = self._freqs(data[start:start + span])
            f = freqs[k]
            y = data[start + k]
            below = int(f[:y].sum())
            low, width, scale = low * TOTAL + width * below, width * int(f[y]), scale * TOTAL
            k += 1
            # windows c with [c, c+1) / 2^b inside the interval
            c_lo = -((-low << b) // scale)
            c_hi = ((low + width) << b) // scale - 1
            if c_hi < c_lo:
                break                      # no window holds this many bytes, nor more
            code = _straddling(low, width, scale, freqs[k], b, c_lo, c_hi)
            if code is not None:
                best = (k, code)
        if best is None:
            raise InputError(f"no {b}-bit window holds the byte 0x{data[start]:02x} at offset {start} "
                             "with its end marked; use more window bits")
        return best

    def _freqs(self, chunk: bytes) -> np.ndarray:
        """Quantised rows for each byte of ``chunk`` and one more for the byte after it."""
        return quantize(self.model.distributions(chunk + b"\0"), self.floor)

    def encode(self, data: bytes | str) -> list[int]:
        """Tokens: each window's bits, most significant first, ``token_bits`` at a time."""
        per = self.window_bits // self.token_bits
        mask = (1 << self.token_bits) - 1
        return [(w >> (self.token_bits * (per - 1 - i))) & mask
                for w in self.encode_windows(data) for i in range(per)]

    # -- decoding ---------------------------------------------------------------------------
    def decode_window(self, code: int) -> bytes:
        """The bytes of one window: read while the window lies inside one byte's sub-interval."""
        b = self.window_bits
        if not isinstance(code, int) or not 0 <= code < 1 << b:
            raise InputError(f"a window is a {b}-bit number, got {code!r}")
        out = bytearray()
        low, width, scale = 0, 1, 1
        while True:
            f = quantize(self.model.distributions(bytes(out) + b"\0")[-1], self.floor)[0]
            cum = np.concatenate([[0], np.cumsum(f)])
            # the byte y whose sub-interval [low*T + width*cum[y], ... + width*cum[y+1]) / (T*scale)
            # holds the window's start c / 2^b
            nxt = scale * TOTAL
            y = int(np.searchsorted(cum, ((code * nxt) - ((low * TOTAL) << b)) // (width << b), side="right")) - 1
            if not 0 <= y < 256:
                raise InputError(f"window {code} lies outside the interval it decodes to: not a window of "
                                 "this coder and model")
            if ((code + 1) * nxt) > (low * TOTAL + width * int(cum[y + 1])) << b:
                break                      # the window straddles two bytes: it ends here
            out.append(y)
            low, width, scale = low * TOTAL + width * int(cum[y]), width * int(f[y]), nxt
        if not out:
            raise InputError(f"window {code} decodes to no byte: not a window of this coder and model")
        return bytes(out)

    def decode_windows(self, windows: Iterable[int]) -> bytes:
        return b"".join(self.decode_window(w) for w in windows)

    def decode(self, tokens: Sequence[int]) -> bytes:
        per = self.window_bits // self.token_bits
        if len(tokens) % per:
            raise InputError(f"{len(tokens)} tokens is not a whole number of windows ({per} tokens each)")
        windows = []
        for i in range(0, len(tokens), per):
            w = 0
            for t in tokens[i:i + per]:
                if not isinstance(t, int) or not 0 <= t < 1 << self.token_bits:
                    raise InputError(f"token {t!r} is not a {self.token_bits}-bit number")
                w = (w << self.token_bits) | t
            windows.append(w)
        return self.decode_windows(windows)


def _straddling(low: int, width: int, scale: int, f: np.ndarray, b: int, c_lo: int, c_hi: int) -> int | None:
    """A window c in [c_lo, c_hi] whose interval holds a boundary between two of the next byte's
    sub-intervals, or None. The boundaries are X_y / (T * scale), X_y = low * T + width * cum[y]
    for y = 1..255; none is a multiple of 2^-b (T is odd), so the window floor(X_y * 2^b / (T *
    scale)) holds X_y strictly inside, and qualifies when it lies in [c_lo, c_hi]."""
    nxt = scale * TOTAL
    cum = np.cumsum(f[:-1])                   # cum[y] for y = 1..255
    base = (low * TOTAL) << b
    step = width << b
    # c_lo * nxt < X_y * 2^b < (c_hi + 1) * nxt, solved for cum[y]
    first = (c_lo * nxt - base) // step + 1
    last = -((base - (c_hi + 1) * nxt) // step) - 1
    lo = int(np.searchsorted(cum, min(max(first, 0), TOTAL + 1), side="left"))
    hi = int(np.searchsorted(cum, min(max(last, -1), TOTAL), side="right"))
    if lo < hi:
        return ((base + step * int(cum[lo])) // nxt)
    return None


# -- statistics -------------------------------------------------------------------------------
@dataclass
class EqualInfoStats:
    texts: int
    bytes: int
    windows: int
    tokens: int
    bytes_per_window: float
    bytes_per_token: float
    bits_per_byte: float        # window bits spent per byte of text
    model_bits_per_byte: float  # the model's own cross-entropy (plain AC would approach it)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def equal_info_stats(coder: EqualInfoCoder, texts: Iterable[str | bytes]) -> EqualInfoStats:
    """Encode each text on its own and summarise (each text starts a window)."""
    n_texts = n_bytes = n_windows = 0
    model_bits = 0.0
    for text in texts:
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        windows = coder.encode_windows(data)
        n_texts += 1
        n_bytes += len(data)
        n_windows += len(windows)
        if data:
            p = coder.model.distributions(data)
            model_bits -= float(np.log2(p[np.arange(len(data)), np.frombuffer(data, dtype=np.uint8)]).sum())
    per = coder.window_bits // coder.token_bits
    return EqualInfoStats(
        n_texts, n_bytes, n_windows, n_windows * per,
        n_bytes / n_windows if n_windows else 0.0, n_bytes / (n_windows * per) if n_windows else 0.0,
        n_windows * coder.window_bits / n_bytes if n_bytes else 0.0, model_bits / n_bytes if n_bytes else 0.0)
