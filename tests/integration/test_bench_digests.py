"""The digest benchmark runs (quick mode: tiny sizes, nothing asserted about speed), so it cannot rot."""

from __future__ import annotations

from bench import digests


def test_the_digest_benchmark_runs_end_to_end_in_quick_mode(monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)  # the benchmark sets its own; these come back afterwards

    digests.main(quick=True)

    printed = capsys.readouterr().out
    assert "(= editions: True)" in printed
    assert "messages sent                        60" in printed
