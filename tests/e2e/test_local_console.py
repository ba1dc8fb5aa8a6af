"""The developer console at /_local/: the page, its JSON twins and its actions."""

from __future__ import annotations

from email import message_from_string, policy

import pytest

from tests.e2e import flows


@pytest.fixture
def publisher(local_stack) -> dict:
    answer = local_stack.console("POST", "/publishers", body={"name": "Console Desk"})
    assert answer.status == 201, answer.body
    return answer.json


def test_the_console_page_is_html_listing_outbox_schedules_publishers_and_logs(local_stack):
    page = local_stack.call("GET", f"{local_stack.base_url}/_local/", key=None)

    assert page.status == 200
    assert page.header("Content-Type").startswith("text/html")
    for section in ('id="outbox"', 'id="schedules"', 'id="publishers"', 'id="logs"', "Local Publisher"):
        assert section in page.body


def test_the_outbox_lists_a_sent_email_with_its_recipient_subject_and_mime(local_stack):
    reader = flows.new_reader()
    flows.subscribe(local_stack, reader)

    (sent,) = flows.emails_to(local_stack, reader)

    assert set(sent) == {"id", "to", "subject", "sent_at", "raw"}
    assert sent["to"] == [reader]
    mime = message_from_string(sent["raw"], policy=policy.default)
    assert mime["To"] == reader
    assert mime["Subject"] == sent["subject"] != ""
    html = local_stack.call("GET", f"{local_stack.base_url}/_local/outbox/{sent['id']}.html", key=None)
    assert html.status == 200
    assert html.body == mime.get_body(preferencelist=("html",)).get_content()


def test_creating_a_publisher_without_a_name_is_refused(local_stack):
    answer = local_stack.console("POST", "/publishers", body={"name": "  "})

    assert answer.status == 422


def test_a_revoked_publishers_key_is_refused_at_once_though_the_gateway_had_cached_it(local_stack, publisher):
    key = publisher["api_key"]
    assert local_stack.call("GET", "/articles", key=key).status == 200  # its authorization is cached now

    revoked = local_stack.console("DELETE", f"/publishers/{publisher['publisher_id']}")
    after = local_stack.call("GET", "/articles", key=key)

    assert revoked.status == 200
    assert revoked.json == {"publisher_id": publisher["publisher_id"], "revoked": True}
    assert after.status == 401
    assert after.json["title"] == "Unauthorized"
    listed = {p["publisher_id"]: p for p in local_stack.console("GET", "/publishers.json").json}
    assert listed[publisher["publisher_id"]]["revoked_at"] is not None


def test_revoking_a_publisher_leaves_the_other_keys_working(local_stack, publisher):
    local_stack.console("DELETE", f"/publishers/{publisher['publisher_id']}")

    assert local_stack.call("GET", "/articles", key="dev").status == 200


def test_revoking_an_unknown_publisher_answers_404_problem(local_stack):
    answer = local_stack.console("DELETE", "/publishers/pub_0000000000000000")

    assert answer.status == 404
    assert answer.header("Content-Type") == "application/problem+json"


def test_the_console_offers_a_revoke_button_for_each_active_publisher(local_stack, publisher):
    page = local_stack.call("GET", f"{local_stack.base_url}/_local/", key=None)

    assert f'action="/_local/publishers/{publisher["publisher_id"]}/revoke"' in page.body


def test_running_a_schedule_the_template_lacks_answers_404_naming_the_known_ones(local_stack):
    answer = local_stack.console("POST", "/schedules/no-such-schedule")

    assert answer.status == 404
    assert "render-feeds" in answer.json["detail"]


def test_the_root_of_the_local_server_leads_to_the_console(local_stack):
    answer = local_stack.call("GET", f"{local_stack.base_url}/", key=None)

    assert answer.status == 200
    assert "Syndicate local console" in answer.body


def test_the_dev_key_comes_from_the_environment(local_stack):
    answer = local_stack.call("GET", "/articles", key="dev")

    assert answer.status == 200
