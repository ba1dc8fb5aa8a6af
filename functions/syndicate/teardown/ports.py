"""What the teardown needs from outside: the stack's status, and a way to erase a bucket."""

from __future__ import annotations

from typing import Protocol


class StackStatus(Protocol):
    def is_being_deleted(self, stack_id: str) -> bool:
        """True while CloudFormation deletes the whole stack (or rolls back its creation)."""
        ...


class BucketEraser(Protocol):
    def erase(self, bucket: str) -> int:
        """Delete every object version in ``bucket`` and the bucket; how many versions went.

        A bucket that is already gone is erased (0)."""
        ...
