"""`syndicate invoke`: one function of template.yaml with an event file, like `sam local invoke`."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.conftest import REPO, checkout_environment


def syndicate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syndicate_dev.cli", *args],
        cwd=REPO,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_invoking_against_a_running_stack_runs_the_function_with_that_stacks_resources(local_stack):
    done = syndicate(
        "invoke", "ArticlesApiFunction", "--event", "events/api/create-article.json", "--endpoint", local_stack.base_url
    )

    result = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert result["statusCode"] == 201
    assert json.loads(result["body"])["title"].startswith("Crewed Russian spacecraft")


def test_invoking_in_a_fresh_stack_reports_the_authorizers_refusal_of_an_unknown_key():
    done = syndicate("invoke", "PublisherAuthorizerFunction", "--event", "events/api/authorizer-request.json")

    assert done.returncode == 1
    assert json.loads(done.stdout)["errorMessage"] == "Unauthorized"


def test_invoking_a_function_the_template_lacks_names_the_ones_it_has():
    done = syndicate("invoke", "NoSuchFunction", "--event", "events/api/authorizer-request.json")

    assert done.returncode == 2
    assert "ArticlesApiFunction" in done.stderr
