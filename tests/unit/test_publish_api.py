"""What `syndicate publish` sends and prints when the network or the API misbehaves, against a
scripted loopback server (the local stack end-to-end tests cover the API behaving)."""

from __future__ import annotations

import socket
from pathlib import Path, PurePath

import pytest

from syndicate_dev.cli import main
from syndicate_dev.publishing.api import ApiFailure, PublisherApi, default_retries
from syndicate_dev.publishing.folders import SourceFile
from syndicate_dev.publishing.mapping import read_article
from syndicate_dev.publishing.publisher import Outcome, publish_article
from tests.support.scripted_http import STALL, Answer, ScriptedServer

KEY = "syn_unitTestKeyThatMustNeverBePrinted0000000000"
POST = "---\ntitle: Hello\ncategories: [News]\ndate: 2025-12-17T09:00:00Z\n---\n\nBody.\n"


@pytest.fixture
def server():
    with ScriptedServer() as running:
        yield running


@pytest.fixture
def post(tmp_path: Path):
    path = tmp_path / "post.md"
    path.write_text(POST, encoding="utf-8")
    return read_article(SourceFile(path, PurePath("post.md")))


def resource(document: dict, **changes: object) -> dict:
    return {"id": "post", "publisher_id": "pub_1", "version": 1, "url": "https://s.example/a", **document, **changes}


def api_for(server: ScriptedServer, **options) -> PublisherApi:
    return PublisherApi(server.url, KEY, retries=default_retries(backoff_factor=0), **options)


def methods(server: ScriptedServer) -> list[str]:
    return [request.method for request in server.received]


def test_an_unchanged_article_is_read_and_never_sent(server, post):
    server.answer(200, resource(post.document, status="published"), ETag='"1-abc"')

    result = publish_article(post, api_for(server), dry_run=False)

    assert result.outcome is Outcome.UNCHANGED
    assert methods(server) == ["GET"]


def test_a_new_article_is_put_only_if_still_absent_and_a_changed_one_only_if_still_as_read(server, post):
    server.answer(404)
    server.answer(201)
    server.answer(200, resource(post.document, title="Old", status="published"), ETag='"1-abc"')
    server.answer(200)

    created = publish_article(post, api_for(server), dry_run=False)
    updated = publish_article(post, api_for(server), dry_run=False)

    assert (created.outcome, updated.outcome) == (Outcome.CREATED, Outcome.UPDATED)
    first_put, second_put = server.received[1], server.received[3]
    assert (first_put.headers.get("If-None-Match"), first_put.headers.get("If-Match")) == ("*", None)
    assert second_put.headers.get("If-Match") == '"1-abc"'
    assert first_put.path == "/dev/articles/post"
    assert first_put.json == post.document
    assert first_put.headers["Authorization"] == f"Bearer {KEY}"


def test_a_request_that_meets_a_busy_gateway_is_sent_again(server, post):
    server.answer(503)
    server.answer(404)
    server.answer(502)
    server.answer(201)

    result = publish_article(post, api_for(server), dry_run=False)

    assert result.outcome is Outcome.CREATED
    assert methods(server) == ["GET", "GET", "PUT", "PUT"]
    assert server.received[2].body == server.received[3].body


def test_a_put_whose_answer_was_lost_counts_as_published_when_the_article_holds_the_file(server, post):
    server.answer(404)
    server.answer(504)  # the gateway gave up, though the function stored the article
    server.problem(412, "If-None-Match matched the article's current ETag.")  # the retry finds it there
    server.answer(200, resource(post.document, status="published"), ETag='"1-abc"')

    result = publish_article(post, api_for(server), dry_run=False)

    assert result.outcome is Outcome.CREATED
    assert methods(server) == ["GET", "PUT", "PUT", "GET"]


def test_an_article_changed_by_someone_else_in_between_is_not_overwritten(server, post):
    server.answer(200, resource(post.document, title="Old", status="published"), ETag='"1-abc"')
    server.problem(412, "If-Match does not match the article's current ETag.")
    server.answer(200, resource(post.document, title="Theirs", status="published"), ETag='"2-def"')

    result = publish_article(post, api_for(server), dry_run=False)

    assert result.outcome is Outcome.FAILED
    assert result.problem.status == 412
    assert methods(server) == ["GET", "PUT", "GET"]


def test_a_dry_run_reads_and_sends_nothing(server, post):
    server.answer(200, resource(post.document, title="Old", status="published"), ETag='"1-abc"')

    result = publish_article(post, api_for(server), dry_run=True)

    assert result.outcome is Outcome.WOULD_UPDATE
    assert [change.field for change in result.changes] == ["title"]
    assert methods(server) == ["GET"]


def test_a_request_left_unanswered_times_out_instead_of_hanging(server):
    for _ in range(3):
        server.script.append(Answer(STALL))

    with pytest.raises(ApiFailure) as failed:
        api_for(server, timeout=0.2).get("post")

    assert "timed out" in str(failed.value).lower()
    assert methods(server) == ["GET", "GET", "GET"]  # read twice more: GET is safe to repeat


def test_a_redirect_is_not_followed_so_the_key_goes_to_no_other_host(server):
    with ScriptedServer() as elsewhere:
        server.answer(302, Location=f"{elsewhere.url}/articles/post")

        with pytest.raises(ApiFailure):
            api_for(server).get("post")

        assert elsewhere.received == []


def test_an_endpoint_nobody_listens_on_stops_the_run_with_a_reason():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = PublisherApi(f"http://127.0.0.1:{port}/dev", KEY, retries=default_retries(backoff_factor=0))

    with pytest.raises(ApiFailure) as failed:
        api.get("post")

    assert f"cannot reach http://127.0.0.1:{port}/dev" in str(failed.value)
    assert KEY not in str(failed.value)


# -- through the command ---------------------------------------------------------------------


def publish(server: ScriptedServer, *arguments: str) -> int:
    return main(["publish", *arguments, "--endpoint", server.url, "--api-key", KEY])


def test_a_refused_key_stops_the_run_and_the_key_is_never_printed(server, tmp_path, capsys):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(POST, encoding="utf-8")
    (tmp_path / "b.md").write_text(POST.replace("Hello", "Other"), encoding="utf-8")
    server.problem(401, f"Unknown key {KEY}")  # a server that echoes what it was sent

    status = publish(server, str(tmp_path))

    printed = capsys.readouterr()
    assert status == 1
    assert KEY not in printed.out + printed.err
    assert "the API refused the key (401): Unknown key ********" in printed.err
    assert printed.out.splitlines() == [
        f"not sent      {tmp_path}/a.md -> a",
        f"not sent      {tmp_path}/b.md -> b",
        "2 files: 2 not sent",
    ]
    assert methods(server) == ["GET"]


def test_the_apis_validation_problems_are_printed_as_file_pointer_message(server, tmp_path, capsys):
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    server.answer(404)
    server.problem(422, "The article has 1 invalid field.", [{"pointer": "/title", "message": "is taken"}])

    status = publish(server, str(tmp_path / "post.md"))

    printed = capsys.readouterr()
    assert status == 1
    assert printed.err.splitlines() == [f"{tmp_path}/post.md: /title is taken"]
    assert printed.out.splitlines() == [f"failed        {tmp_path}/post.md -> post", "1 file: 1 failed"]


def test_an_invalid_file_is_reported_on_its_line_and_not_sent(server, tmp_path, capsys):
    (tmp_path / "post.md").write_text(POST.replace("date: 2025-12-17T09:00:00Z", "date: soon"), encoding="utf-8")

    status = publish(server, str(tmp_path))

    printed = capsys.readouterr()
    assert status == 1
    assert printed.err.splitlines() == [
        f"{tmp_path}/post.md:4: /published_at must be a valid RFC 3339 date-time with a time zone,"
        " e.g. 2025-12-17T09:30:00Z"
    ]
    assert printed.out.splitlines() == [f"invalid       {tmp_path}/post.md  (1 error, not sent)", "1 file: 1 invalid"]
    assert server.received == []


def test_a_dry_run_shows_each_changed_field(server, tmp_path, capsys):
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    stored = {"title": "Old", "body": "Body.\nGone.\n", "categories": ["News"], "tags": ["x"]}
    server.answer(200, resource(stored, status="published", published_at="2025-12-17T09:00:00Z"), ETag='"1-a"')

    status = publish(server, str(tmp_path), "--dry-run")

    assert status == 0
    assert capsys.readouterr().out.splitlines() == [
        f"would update  {tmp_path}/post.md -> post",
        '    title: "Old" -> "Hello"',
        "    body: 0 lines added, 1 removed",
        "    tags: removed",
        "1 file: 1 would update (dry run: nothing was sent)",
    ]
    assert methods(server) == ["GET"]


def test_an_answer_cannot_drive_the_writers_terminal(server, tmp_path, capsys):
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    server.answer(404)
    server.problem(409, "Changed \x1b[2J\x1b]0;owned\x07 meanwhile.")
    server.answer(404)

    publish(server, str(tmp_path / "post.md"))

    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "Changed \\x1b[2J\\x1b]0;owned\\x07 meanwhile." in err
