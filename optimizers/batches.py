"""Mini-batches of data rows: k rows without replacement, reshuffled at every epoch.

One epoch is one pass over the n rows in ceil(n / k) batches (the last one shorter when k does not
divide n, as torch's DataLoader with drop_last=False); batch_size = 1 is SGD, batch_size = n with
shuffle is full batch in a new order each epoch.
"""

from __future__ import annotations

import numpy as np


class BatchSampler:
    def __init__(self, n_rows: int, size: int, shuffle: bool, rng: np.random.Generator):
        self.n, self.size, self.shuffle, self.rng = n_rows, size, shuffle, rng
        self.epoch = 0
        self._order = np.arange(n_rows)
        self._pos = n_rows  # start a new epoch on the first call

    @property
    def per_epoch(self) -> int:
        """Batches (steps) in one epoch: ceil(n / size)."""
        return -(-self.n // self.size)

    @classmethod
    def for_surface(cls, surface, batch_size, shuffle, rng):
        """A sampler for `surface`'s data rows, or None for full-batch steps (batch_size None)."""
        if batch_size is None:
            return None
        n = getattr(surface, "n_rows", None)
        if n is None:
            raise ValueError(
                f"batch_size needs a loss built from data rows (such as linreg or logreg); "
                f"{surface.name} has no data"
            )
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or not 1 <= batch_size <= n
        ):
            raise ValueError(
                f"batch_size must be a whole number from 1 to {n} (the number of rows), got {batch_size!r}"
            )
        return cls(n, int(batch_size), bool(shuffle), rng)

    def next(self) -> tuple[np.ndarray, int]:
        """The rows of the next batch and the (1-based) epoch it belongs to."""
        if self._pos >= self.n:
            self.epoch += 1
            self._pos = 0
            if self.shuffle:
                self._order = self.rng.permutation(self.n)
        idx = self._order[self._pos : self._pos + self.size]
        if self.size > 1:
            idx = np.sort(idx)  # a set of rows: kept in data order
        self._pos += self.size
        return idx, self.epoch
