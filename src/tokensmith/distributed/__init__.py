"""Running tokensmith's corpus work on a Ray cluster (optional: ``pip install 'tokensmith[ray]'``).

- :mod:`.session`: importing Ray with a clear error, joining or starting a session, and
  turning a failed remote task back into the tokensmith error it raised.
- :mod:`.work_units`: cutting a corpus into units a task can read on its own (whole files,
  byte ranges of large text and JSON Lines files cut where splitting is unaffected, batches of
  in-memory texts), and reading one unit with the corpus readers.
- :mod:`.counting`: pre-token counting in tasks, counts merged by a tree reduction.
- :mod:`.ordered_map`: a bounded number of tasks in flight, results taken in submission order
  (what dataset encoding needs to stay deterministic).
"""

from .session import require_ray, ray_session

__all__ = ["require_ray", "ray_session"]
