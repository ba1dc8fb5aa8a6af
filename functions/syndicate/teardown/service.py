"""BucketTeardown: the custom resource CloudFormation calls with Create, Update and Delete.

CloudFormation cannot delete a bucket that holds objects, so a stack whose buckets were used
ends in DELETE_FAILED. On Delete, this erases the buckets it was given, after checking that the
stack itself is being deleted: the same Delete arrives when only this resource leaves the
template, and then the buckets stay. It erases the buckets itself (emptying, then deleting each)
so that an object a still-running function writes after the emptying cannot block the deletion;
CloudFormation then finds the bucket gone, which it counts as deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from syndicate.teardown.ports import BucketEraser, StackStatus

# One physical id for the life of the resource: an Update that returned another id would make
# CloudFormation send a Delete for the old one.
PHYSICAL_ID = "bucket-teardown"


@dataclass(frozen=True)
class TeardownRequest:
    request_type: str  # Create, Update or Delete
    stack_id: str
    buckets: tuple[str, ...]


@dataclass(frozen=True)
class TeardownResult:
    physical_id: str = PHYSICAL_ID
    erased: dict[str, int] = field(default_factory=dict)  # bucket -> object versions deleted


class BucketTeardown:
    def __init__(self, stacks: StackStatus, eraser: BucketEraser) -> None:
        self._stacks = stacks
        self._eraser = eraser

    def handle(self, request: TeardownRequest) -> TeardownResult:
        if request.request_type != "Delete" or not self._stacks.is_being_deleted(request.stack_id):
            return TeardownResult()
        return TeardownResult(erased={bucket: self._eraser.erase(bucket) for bucket in request.buckets})
