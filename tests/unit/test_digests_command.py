"""`syndicate digests` where nothing answers: a clear line and exit status 1, not a traceback."""

from __future__ import annotations

import pytest

from syndicate_dev.cli import main


def test_a_local_endpoint_nobody_listens_on_is_named(capsys):
    status = main(["digests", "report", "--endpoint", "http://127.0.0.1:9"])

    err = capsys.readouterr().err
    assert status == 1 and "no local stack answers at http://127.0.0.1:9" in err


def test_the_command_needs_to_be_told_which_stack(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["digests", "resume"])

    assert stop.value.code == 2
    assert "one of the arguments --stack --endpoint is required" in capsys.readouterr().err
