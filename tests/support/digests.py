"""Driving the subscription and digest functions the way AWS would, on moto."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from collections.abc import Set as AbstractSet
from typing import Any

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.awsrequest import AWSResponse

from syndicate.adapters.clients import client
from tests.support import events
from tests.support.api import Answer, ApiCaller
from tests.support.functions import Functions
from tests.support.lambda_context import FakeLambdaContext
from tests.support.mail import Outbox, link_to, token_of


class SenderContext(FakeLambdaContext):
    """The sender's Lambda context: 120 s timeout, as template.yaml gives it."""

    def __init__(self, remaining_ms: int = 120_000) -> None:
        super().__init__(function_name="syndicate-SendDigestsFunction")
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


class MailingWorld:
    """Readers, a publisher, the two schedules and the sender, all through their handlers."""

    def __init__(self, functions: Functions, stack: Any, outbox: Outbox) -> None:
        self.functions = functions
        self.stack = stack
        self.outbox = outbox
        self.api = ApiCaller(functions.handler("SubscriptionsApiFunction"), publisher_id=None)
        self.publisher = ApiCaller(functions.handler("ArticlesApiFunction"), publisher_id="pub_alice")

    # -- readers ------------------------------------------------------------------------------

    def subscribe(
        self, email: str, cadence: str = "daily", categories: list[str] | None = None, *, deliver: bool = True
    ) -> Answer:
        """POST /subscriptions; then (``deliver``) the queued sign-up reaches SendConfirmationsFunction."""
        document: dict[str, Any] = {"email": email, "cadence": cadence}
        if categories is not None:
            document["categories"] = categories
        answer = self.api("POST", "/subscriptions", body=document)
        if deliver:
            self.deliver_sign_ups()
        return answer

    def confirmation_link(self, email: str) -> str:
        """The link of the latest confirmation mail to ``email`` (a welcome may have come since)."""
        mails = [m for m in self.outbox.to(email) if str(m["Subject"]).startswith("Confirm your subscription")]
        assert mails, f"no confirmation mail to {email}"
        return link_to(mails[-1], "/subscriptions/confirm")

    def follow(self, url: str, method: str = "GET", form: str | None = None) -> Answer:
        """Follow a link from a mail through the API handler (the path after the stage)."""
        path = url.split("/dev", 1)[1].split("?", 1)[0]
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else None
        return self.api(method, path, query={"token": token_of(url)}, raw_body=form, headers=headers)

    def confirm(self, email: str) -> Answer:
        """Open the link of the latest confirmation mail and press the page's button."""
        link = self.confirmation_link(email)
        page = self.follow(link)
        assert page.status == 200 and 'method="post"' in page.body, page.body
        return self.follow(link, "POST", form="")

    def subscribed(self, email: str, cadence: str = "daily", categories: list[str] | None = None) -> None:
        """Subscribe and confirm from the mail, as a reader would; the welcome email goes out."""
        assert self.subscribe(email, cadence, categories).status == 202
        assert self.confirm(email).status == 200
        self.deliver_sign_ups()

    def token_for(self, email: str, purpose: str) -> str:
        """A genuine link token, as the functions would sign it."""
        from syndicate import dependencies
        from syndicate.mailing.model import subscriber_id

        self.functions.activate("SubscriptionsApiFunction")
        return dependencies.token_signer().issue(purpose, subscriber_id(dependencies.token_secret(), email))

    # -- publisher ----------------------------------------------------------------------------

    def publish(self, document: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
        body = {**(document or events.article("photo-of-the-day")), **changes}
        answer = self.publisher("POST", "/articles", body=body)
        assert answer.status == 201, answer.body
        return answer.json

    # -- schedules and sender -----------------------------------------------------------------

    def run_schedule(self, cadence: str = "daily", at: str | None = None) -> dict[str, Any]:
        event = events.load(f"schedules/{cadence}-digest.json")
        if at is not None:
            event["scheduled_time"] = at
        return self.functions.invoke("ScheduleDigestsFunction", event)

    def queued(self, queue: str = "DigestQueue") -> list[dict[str, Any]]:
        """Every message waiting in the queue (made visible again afterwards)."""
        sqs = client("sqs")
        url = self.stack.name(queue)
        found = []
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
                "Messages", []
            )
            if not messages:
                break
            found.extend(messages)
        for message in found:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        return found

    def sqs_event(self, messages: list[dict[str, Any]], queue: str = "DigestQueue") -> dict[str, Any]:
        template = events.load("sqs/digest-batch.json")["Records"][0]
        records = []
        for message in messages:
            record = copy.deepcopy(template)
            record.update(
                messageId=message["MessageId"],
                receiptHandle=message["ReceiptHandle"],
                body=message["Body"],
                md5OfBody=message["MD5OfBody"],
            )
            record["attributes"].update(message.get("Attributes", {}))
            record["eventSourceARN"] = self.stack.resolver.attributes[(queue, "Arn")]
            records.append(record)
        return {"Records": records}

    def deliver(self, rounds: int = 10, context: Any = None, batch_size: int = 10) -> list[dict[str, Any]]:
        """Do what the SQS event source does: digest batches, 10 at a time, to the sender."""
        return self.deliver_from("DigestQueue", "SendDigestsFunction", rounds, context or SenderContext(), batch_size)

    def deliver_sign_ups(self, rounds: int = 10, context: Any = None) -> list[dict[str, Any]]:
        """Queued sign-ups, 10 at a time, to SendConfirmationsFunction (30 s timeout, as template.yaml gives it)."""
        return self.deliver_from(
            "ConfirmationQueue", "SendConfirmationsFunction", rounds, context or SenderContext(remaining_ms=30_000)
        )

    def deliver_from(
        self, queue: str, function: str, rounds: int, context: Any, batch_size: int = 10
    ) -> list[dict[str, Any]]:
        """What an SQS event source does: batches of 10 to ``function``, failures made visible again."""
        sqs = client("sqs")
        url = self.stack.name(queue)
        responses = []
        for _ in range(rounds):
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=batch_size, AttributeNames=["All"]).get(
                "Messages", []
            )
            if not messages:
                break
            try:
                response = self.functions.invoke(function, self.sqs_event(messages, queue), context)
            except BatchProcessingError as error:
                # Every record failed: the invocation fails and SQS gives the whole batch back.
                response = {
                    "error": str(error),
                    "batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages],
                }
            responses.append(response)
            failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
            for message in messages:
                if message["MessageId"] in failed:
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                else:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return responses

    def digest(self, cadence: str = "daily", at: str | None = None) -> dict[str, Any]:
        report = self.run_schedule(cadence, at)
        self.deliver()
        return report

    # -- SES feedback -------------------------------------------------------------------------

    def ses_event(self, name: str, address: str) -> dict[str, Any]:
        event = events.load(f"ses/{name}.json")
        text = json.dumps(event).replace("reader@example.com", address)
        return self.functions.invoke("RecordMailFeedbackFunction", json.loads(text))

    def feedback(self, name: str, address: str, edition: str, sent_at: str) -> dict[str, Any]:
        """SES's bounce or complaint event (events/ses/) about the digest ``edition`` sent at ``sent_at``."""
        event = json.loads(json.dumps(events.load(f"ses/{name}.json")).replace("reader@example.com", address))
        event["detail"]["mail"]["tags"]["edition"] = [edition]
        event["detail"]["mail"]["timestamp"] = sent_at
        return self.functions.invoke("RecordMailFeedbackFunction", event)

    # -- many readers, and the operator's command -------------------------------------------------

    def readers(self, count: int, cadence: str = "daily", since: str = "2025-12-17T06:00:00Z") -> list[str]:
        """``count`` confirmed readers, written straight into the table (the sign-up path is tested elsewhere)."""
        from syndicate import dependencies
        from syndicate.mailing.model import PENDING, Subscriber, subscriber_id

        self.functions.activate("SubscriptionsApiFunction")
        store, secret = dependencies.subscriber_store(), dependencies.token_secret()
        addresses = [f"many{n}@example.com" for n in range(count)]
        for address in addresses:
            pending = Subscriber(subscriber_id(secret, address), address, PENDING, cadence, (), since, since)
            assert store.save_pending(pending, expires_at=2_000_000_000) and store.confirm(pending.id, since)
        return addresses

    def stack_name(self) -> str:
        """A CloudFormation stack (on moto) with the outputs and parameters of the deployed template."""
        name = f"syndicate-{self.stack.name('SubscribersTable').split('-')[0]}"
        outputs = {
            "SubscribersTableName": self.stack.name("SubscribersTable"),
            "DigestQueueUrl": self.stack.name("DigestQueue"),
            "DigestDeadLetterQueueUrl": self.stack.name("DigestDeadLetterQueue"),
            "SesConfigurationSetName": self.stack.name("DigestConfigurationSet"),
        }
        cloudformation = client("cloudformation")
        if name not in [s["StackName"] for s in cloudformation.list_stacks().get("StackSummaries", [])]:
            template = {
                "Resources": {},
                "Parameters": {"SenderEmail": {"Type": "String"}, "SenderConcurrency": {"Type": "Number"}},
                "Outputs": {key: {"Value": value} for key, value in outputs.items()},
            }
            parameters = {"SenderEmail": "digest@syndicate.example", "SenderConcurrency": "2"}
            cloudformation.create_stack(
                StackName=name,
                TemplateBody=json.dumps(template),
                Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            )
        return name

    def syndicate(self, *arguments: str) -> tuple[int, str]:
        """Run the ``syndicate`` command against this stack, as an operator would; (exit status, output)."""
        from syndicate import dependencies
        from syndicate_dev.cli import main

        name = self.stack_name()
        dependencies.forget(clients=False)
        printed, errors = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
            status = main([*arguments, "--stack", name])
        return status, printed.getvalue() + errors.getvalue()

    def report(self, edition: str | None = None) -> dict[str, Any]:
        status, printed = self.syndicate("digests", "report", "--json", *(["--edition", edition] if edition else []))
        assert status == 0, printed
        return json.loads(printed)


class SesFaults:
    """Faults injected into SES SendEmail calls (numbered from 1), on the real moto client.

    ``throttle``: those calls are answered TooManyRequestsException before reaching SES.
    ``refuse``: those calls are answered with the given (code, message, HTTP status) instead.
    ``crash_after``: those calls reach SES (the mail is sent) and then the process "dies".
    """

    def __init__(
        self,
        throttle: AbstractSet[int] = frozenset(),
        crash_after: AbstractSet[int] = frozenset(),
        code: str = "TooManyRequestsException",
        refuse: dict[int, tuple[str, str, int]] | None = None,
    ) -> None:
        self.throttle = set(throttle)
        self.crash_after = set(crash_after)
        self.refuse = {n: (code, "Maximum sending rate exceeded.", 429) for n in throttle} | dict(refuse or {})
        self.calls = 0

    def before_call(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls not in self.refuse:
            return None
        code, message, status = self.refuse[self.calls]
        response = AWSResponse("https://email.us-east-1.amazonaws.com", status, {}, None)  # type: ignore[arg-type]
        return response, {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}

    def after_call(self, **kwargs: Any) -> None:
        if self.calls in self.crash_after:
            raise SenderCrashed(f"the sender died right after SES accepted call {self.calls}")

    def install(self, monkeypatch: Any) -> SesFaults:
        from syndicate.adapters import ses

        real = ses.client  # type: ignore[attr-defined]  # the name the adapter calls
        hooked: set[int] = set()

        def client_with_faults(service: str, **options: Any) -> Any:
            created = real(service, **options)
            if service == "sesv2" and id(created) not in hooked:
                created.meta.events.register("before-call.sesv2.SendEmail", self.before_call)
                created.meta.events.register("after-call.sesv2.SendEmail", self.after_call)
                hooked.add(id(created))
            return created

        monkeypatch.setattr(ses, "client", client_with_faults)
        return self


class SenderCrashed(RuntimeError):
    """Stands for the process dying: an outcome the sender cannot know."""
