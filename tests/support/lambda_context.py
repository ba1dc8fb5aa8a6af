from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FakeLambdaContext:
    function_name: str = "syndicate-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:syndicate-test"
    aws_request_id: str = "11111111-2222-3333-4444-555555555555"
    log_group_name: str = "/aws/lambda/syndicate-test"
    log_stream_name: str = "2025/12/17/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
