"""The developer console at /_local/: the page, its JSON twins and its actions."""

from __future__ import annotations


def test_the_console_page_is_html_listing_outbox_schedules_and_publishers(local_stack):
    page = local_stack.call("GET", f"{local_stack.base_url}/_local/", key=None)

    assert page.status == 200
    assert page.header("Content-Type").startswith("text/html")
    for section in ('id="outbox"', 'id="schedules"', 'id="publishers"', "Local Publisher"):
        assert section in page.body


def test_the_outbox_is_a_json_list_of_sent_messages(local_stack):
    outbox = local_stack.console("GET", "/outbox.json")

    assert outbox.status == 200
    assert isinstance(outbox.json, list)
    assert all({"id", "to", "subject", "sent_at", "raw"} <= set(message) for message in outbox.json)


def test_creating_a_publisher_without_a_name_is_refused(local_stack):
    answer = local_stack.console("POST", "/publishers", body={"name": "  "})

    assert answer.status == 422


def test_running_a_schedule_the_template_lacks_answers_404_naming_the_known_ones(local_stack):
    answer = local_stack.console("POST", "/schedules/no-such-schedule")

    assert answer.status == 404
    assert "template.yaml has" in answer.json["detail"]


def test_the_root_of_the_local_server_is_the_site_home_page_once_rendered_and_the_console_before(local_stack):
    home = local_stack.call("GET", f"{local_stack.base_url}/index.html", key=None)

    answer = local_stack.call("GET", f"{local_stack.base_url}/", key=None)

    assert answer.status == 200
    if home.status == 404:  # no render has run in this session yet
        assert "Syndicate local console" in answer.body
    else:
        assert answer.body == home.body


def test_the_dev_key_comes_from_the_environment(local_stack):
    answer = local_stack.call("GET", "/articles", key="dev")

    assert answer.status == 200
