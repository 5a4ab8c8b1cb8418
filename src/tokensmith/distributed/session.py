"""Ray sessions: import Ray with a clear error, join or start a session, unwrap task errors.

``ray_session(address)`` leaves an already running session alone (the caller owns it: a test
fixture, a notebook, a cluster job); otherwise it calls ``ray.init(address=address)`` (``None``
starts local worker processes) and shuts that session down when the block ends.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..errors import OptionError, TokensmithError


def require_ray():
    """The ``ray`` module, or an error that says how to install it."""
    try:
        import ray
    except ImportError:
        raise OptionError("backend='ray' needs Ray: pip install 'tokensmith[ray]' "
                          "(or pip install 'ray>=2.9')") from None
    return ray


@contextmanager
def ray_session(address: str | None = None) -> Iterator[object]:
    ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise OptionError(f"cannot start or join a Ray session at address={address!r}: {exc}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def get(ray, refs):
    """``ray.get(refs)``, re-raising a tokensmith error raised inside a task as itself."""
    try:
        return ray.get(refs)
    except ray.exceptions.RayTaskError as exc:
        cause = getattr(exc, "cause", None)
        if isinstance(cause, TokensmithError):
            raise cause from None
        raise
