"""Creating the template's resources on moto (in-process ``mock_aws`` or a moto server).

Every table, index, bucket (with its notifications to queues), queue, secret, topic and
subscription, SES identity, configuration set, WAF web ACL, CloudWatch alarm and dashboard comes
from template.yaml (a resource whose Condition is false for the local parameter values is left
out, as CloudFormation would); only names are local: ``prefix`` is the stack's name.
"""

from __future__ import annotations

import json
from email.utils import parseaddr
from typing import Any

import boto3

from syndicate_dev import moto_gaps
from syndicate_dev import template as tpl

_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "BillingMode")


def create_resources(
    template: dict[str, Any],
    *,
    prefix: str = "syndicate",
    session: boto3.session.Session | None = None,
    parameters: dict[str, str] | None = None,
) -> tpl.Resolver:
    """Create everything the functions use; return a resolver that knows the physical names.

    ``parameters`` overrides the template's defaults (and the local values of those without)."""
    session = session or boto3.session.Session()
    resolver = tpl.Resolver(template, {}, parameters)
    resolver.pseudo["AWS::StackName"] = prefix
    region = session.region_name or "us-east-1"
    template = {
        **template,
        "Resources": {
            logical_id: resource
            for logical_id, resource in template["Resources"].items()
            if tpl.is_created(template, logical_id, resolver)
        },
    }
    _create_tables(template, session, resolver, prefix, region)
    _create_buckets(template, session, resolver, prefix, region)
    _name_stand_ins(template, resolver, prefix)
    _create_queues(template, session, resolver, prefix, region)
    _configure_bucket_notifications(template, session, resolver)
    _create_secrets(template, session, resolver, prefix)
    _create_email_resources(template, session, resolver, prefix)
    _create_topics(template, session, resolver, prefix, region)
    _name_the_rest(template, resolver, prefix, region)
    _create_web_acls(template, session, resolver, prefix)
    _create_subscriptions(template, session, resolver)
    _create_alarms(template, session, resolver, prefix)
    _create_dashboards(template, session, resolver, prefix)
    return resolver


def _create_tables(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str, region: str
) -> None:
    dynamodb = session.client("dynamodb")
    for logical_id, props in tpl.resources(template, "AWS::DynamoDB::Table").items():
        name = f"{prefix}-{logical_id}"
        spec = {key: props[key] for key in _TABLE_KEYS if key in props}
        if spec.get("BillingMode") != "PAY_PER_REQUEST":
            spec["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        stream = props.get("StreamSpecification")
        if stream:  # CloudFormation states the view type; the API also wants it enabled
            spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        created = dynamodb.create_table(TableName=name, **spec)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        resolver.names[logical_id] = name
        resolver.attributes[(logical_id, "Arn")] = f"arn:aws:dynamodb:{region}:123456789012:table/{name}"
        if "LatestStreamArn" in created:
            resolver.attributes[(logical_id, "StreamArn")] = created["LatestStreamArn"]


def _create_buckets(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str, region: str
) -> None:
    s3 = session.client("s3")
    for logical_id, props in tpl.resources(template, "AWS::S3::Bucket").items():
        name = f"{prefix}-{logical_id}".lower()
        create: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            create["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**create)
        if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if props.get("PublicAccessBlockConfiguration"):
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
        resolver.names[logical_id] = name
        resolver.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        resolver.attributes[(logical_id, "RegionalDomainName")] = f"{name}.s3.{region}.amazonaws.com"


def _name_stand_ins(template: dict[str, Any], resolver: tpl.Resolver, prefix: str) -> None:
    """Names for what has no local stand-in but lends a name to the functions' environment.

    A CloudFront distribution only lends its domain to SITE_URL (when no SiteDomainName is
    set), so it gets a unique made-up one; an API lends an id and a stage to the URLs functions
    build (API_URL), and the local stack sets API_URL to its own address.
    """
    for logical_id in tpl.resources(template, "AWS::CloudFront::Distribution"):
        name = f"{prefix}-{logical_id}".lower()
        resolver.names[logical_id] = name
        resolver.attributes[(logical_id, "DomainName")] = f"{name}.cloudfront.localhost"
    for logical_id, props in tpl.resources(template, "AWS::Serverless::Api").items():
        resolver.names[logical_id] = f"{prefix}-{logical_id}".lower()
        resolver.attributes[(logical_id, "Stage")] = str(resolver.value(props.get("StageName", "Prod")))


def _queue_attributes(props: dict[str, Any], resolver: tpl.Resolver) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for key in ("VisibilityTimeout", "MessageRetentionPeriod", "FifoQueue", "DelaySeconds"):
        if key in props:
            value = str(resolver.value(props[key]))
            attributes[key] = value.lower() if key == "FifoQueue" else value
    redrive = props.get("RedrivePolicy")
    if redrive:
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": resolver.value(redrive["deadLetterTargetArn"]),
                "maxReceiveCount": int(resolver.value(redrive["maxReceiveCount"])),
            }
        )
    return attributes


def _create_queues(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str, region: str
) -> None:
    sqs = session.client("sqs")
    queues = tpl.resources(template, "AWS::SQS::Queue")
    # Dead-letter queues first, so a redrive policy can name them.
    for logical_id, props in sorted(queues.items(), key=lambda item: "RedrivePolicy" in item[1]):
        name = f"{prefix}-{logical_id}" + (".fifo" if props.get("FifoQueue") else "")
        attributes: Any = _queue_attributes(props, resolver)  # keys are the template's, SQS's own names
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        resolver.names[logical_id] = url
        resolver.attributes[(logical_id, "Arn")] = f"arn:aws:sqs:{region}:123456789012:{name}"
        resolver.attributes[(logical_id, "QueueUrl")] = url
        resolver.attributes[(logical_id, "QueueName")] = name


def _configure_bucket_notifications(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver
) -> None:
    """A bucket's ``QueueConfigurations`` (S3 event notifications to SQS), which moto delivers."""
    s3 = session.client("s3")
    for logical_id, props in tpl.resources(template, "AWS::S3::Bucket").items():
        queues = (props.get("NotificationConfiguration") or {}).get("QueueConfigurations") or []
        if not queues:
            continue
        configurations: Any = [
            {"QueueArn": resolver.value(queue["Queue"]), "Events": [queue["Event"]]} for queue in queues
        ]
        for configuration, queue in zip(configurations, queues, strict=True):
            if "Filter" in queue:
                configuration["Filter"] = {"Key": {"FilterRules": queue["Filter"]["S3Key"]["Rules"]}}
        s3.put_bucket_notification_configuration(
            Bucket=resolver.names[logical_id], NotificationConfiguration={"QueueConfigurations": configurations}
        )


def _create_secrets(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str
) -> None:
    secrets = session.client("secretsmanager")
    for logical_id, props in tpl.resources(template, "AWS::SecretsManager::Secret").items():
        name = f"{prefix}-{logical_id}"
        generate = props.get("GenerateSecretString") or {}
        length = int(generate.get("PasswordLength", 32))
        value = secrets.get_random_password(PasswordLength=length, ExcludePunctuation=True)["RandomPassword"]
        arn = secrets.create_secret(Name=name, SecretString=value)["ARN"]
        resolver.names[logical_id] = arn
        resolver.attributes[(logical_id, "Arn")] = arn


def _resolved(resolver: tpl.Resolver, node: Any) -> Any:
    """``node`` with every intrinsic in it evaluated."""
    node = resolver.value(node)
    if isinstance(node, dict):
        return {key: _resolved(resolver, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(resolver, value) for value in node]
    return node


_CONFIGURATION_SET_OPTIONS = ("ReputationOptions", "SendingOptions", "SuppressionOptions")


def _create_email_resources(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str
) -> None:
    """SES configuration sets first (an identity may name one), then the sending identities,
    which moto treats as verified, so sends from them are accepted. moto keeps no SES v2 event
    destinations: the template's are given to the stand-in that answers for them (moto_gaps)."""
    sesv2 = session.client("sesv2")
    for logical_id, props in tpl.resources(template, "AWS::SES::ConfigurationSet").items():
        name = str(resolver.value(props["Name"])) if "Name" in props else f"{prefix}-{logical_id}"
        existing = sesv2.list_configuration_sets().get("ConfigurationSets", [])
        if name not in existing:
            options = {key: _resolved(resolver, props[key]) for key in _CONFIGURATION_SET_OPTIONS if key in props}
            sesv2.create_configuration_set(ConfigurationSetName=name, **options)
        resolver.names[logical_id] = name
    for props in tpl.resources(template, "AWS::SES::ConfigurationSetEventDestination").values():
        destination_set = str(resolver.value(props["ConfigurationSetName"]))
        moto_gaps.ses.add_event_destination(destination_set, _resolved(resolver, props["EventDestination"]))
    for logical_id, props in tpl.resources(template, "AWS::SES::EmailIdentity").items():
        identity = str(resolver.value(props["EmailIdentity"]))
        request: dict[str, Any] = {"EmailIdentity": identity}
        configuration_set = (props.get("ConfigurationSetAttributes") or {}).get("ConfigurationSetName")
        if configuration_set:
            request["ConfigurationSetName"] = str(resolver.value(configuration_set))
        existing = {i["IdentityName"] for i in sesv2.list_email_identities().get("EmailIdentities", [])}
        if identity not in existing:
            sesv2.create_email_identity(**request)
        resolver.names[logical_id] = identity


def verify_email_identity(session: boto3.session.Session, identity: str) -> None:
    """An address (or a whole domain) SES may send from; moto treats created identities as verified."""
    _, address = parseaddr(identity)
    identity = address or identity
    ses = session.client("ses")
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
    else:
        ses.verify_domain_identity(Domain=identity)


def _create_topics(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str, region: str
) -> None:
    sns = session.client("sns")
    for logical_id, props in tpl.resources(template, "AWS::SNS::Topic").items():
        name = f"{prefix}-{logical_id}" + (".fifo" if props.get("FifoTopic") else "")
        arn = sns.create_topic(Name=name)["TopicArn"]
        resolver.names[logical_id] = arn  # Ref of a topic is its ARN
        resolver.attributes[(logical_id, "TopicArn")] = arn
        resolver.attributes[(logical_id, "TopicName")] = name


def _name_the_rest(template: dict[str, Any], resolver: tpl.Resolver, prefix: str, region: str) -> None:
    """Every other resource (functions, APIs, log groups...) gets a name and ARN, so any !Ref or
    !GetAtt of a function's environment resolves even where nothing is created locally."""
    for logical_id, resource in template["Resources"].items():
        name = f"{prefix}-{logical_id}"
        resolver.names.setdefault(logical_id, name)
        if resource["Type"] == "AWS::Serverless::Function":
            arn = f"arn:aws:lambda:{region}:123456789012:function:{name}"
        else:
            service = resource["Type"].split("::")[1].lower()
            arn = f"arn:aws:{service}:{region}:123456789012:{name}"
        resolver.attributes.setdefault((logical_id, "Arn"), arn)


_WEB_ACL_KEYS = ("DefaultAction", "Scope", "VisibilityConfig", "Rules", "Description", "CustomResponseBodies")


def _create_web_acls(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str
) -> None:
    """WAF web ACLs and their associations, as the template declares them (moto checks their
    shape against the WAFv2 API; nothing enforces their rules locally)."""
    wafv2 = session.client("wafv2")
    for logical_id, props in tpl.resources(template, "AWS::WAFv2::WebACL").items():
        spec = {key: resolver.deep_value(props[key]) for key in _WEB_ACL_KEYS if key in props}
        summary = wafv2.create_web_acl(Name=f"{prefix}-{logical_id}", **spec)["Summary"]
        resolver.names[logical_id] = summary["Name"]
        resolver.attributes[(logical_id, "Arn")] = summary["ARN"]
        resolver.attributes[(logical_id, "Id")] = summary["Id"]
    for props in tpl.resources(template, "AWS::WAFv2::WebACLAssociation").values():
        resource_arn = str(resolver.deep_value(props["ResourceArn"]))
        wafv2.associate_web_acl(WebACLArn=str(resolver.deep_value(props["WebACLArn"])), ResourceArn=resource_arn)


def _create_subscriptions(template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver) -> None:
    sns = session.client("sns")
    for logical_id, props in tpl.resources(template, "AWS::SNS::Subscription").items():
        spec = resolver.deep_value(props)
        arn = sns.subscribe(TopicArn=spec["TopicArn"], Protocol=spec["Protocol"], Endpoint=spec["Endpoint"])
        resolver.names[logical_id] = arn["SubscriptionArn"]


# Properties of AWS::CloudWatch::Alarm that PutMetricAlarm takes under the same name.
_ALARM_KEYS = (
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "Metrics",
    "ThresholdMetricId",
    "EvaluationWindow",
)
_WHOLE = ("Period", "EvaluationPeriods", "DatapointsToAlarm")


def alarm_request(props: dict[str, Any], resolver: tpl.Resolver) -> dict[str, Any]:
    """An alarm of the template as PutMetricAlarm takes it, its intrinsics evaluated."""
    request = {key: resolver.deep_value(props[key]) for key in _ALARM_KEYS if key in props}
    for key in _WHOLE:
        if key in request:
            request[key] = int(request[key])
    if "Threshold" in request:
        request["Threshold"] = float(request["Threshold"])
    request["Dimensions"] = [{"Name": d["Name"], "Value": str(d["Value"])} for d in request.get("Dimensions", [])]
    return request


def _create_alarms(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str
) -> None:
    """Alarms as the template declares them (moto checks their shape against the CloudWatch API;
    it evaluates none: ``syndicate_dev.local.alarms`` does, for the local stack)."""
    cloudwatch = session.client("cloudwatch")
    names = {}
    for logical_id, props in tpl.resources(template, "AWS::CloudWatch::Alarm").items():
        name = str(resolver.deep_value(props["AlarmName"])) if "AlarmName" in props else f"{prefix}-{logical_id}"
        cloudwatch.put_metric_alarm(AlarmName=name, **alarm_request(props, resolver))
        names[name] = logical_id
    listed = list(names)
    for start in range(0, len(listed), 100):  # DescribeAlarms takes 100 names at a time
        for created in cloudwatch.describe_alarms(AlarmNames=listed[start : start + 100])["MetricAlarms"]:
            logical_id = names[created["AlarmName"]]
            resolver.names[logical_id] = created["AlarmName"]
            resolver.attributes[(logical_id, "Arn")] = created["AlarmArn"]


def _create_dashboards(
    template: dict[str, Any], session: boto3.session.Session, resolver: tpl.Resolver, prefix: str
) -> None:
    cloudwatch = session.client("cloudwatch")
    for logical_id, props in tpl.resources(template, "AWS::CloudWatch::Dashboard").items():
        name = (
            str(resolver.deep_value(props["DashboardName"])) if "DashboardName" in props else f"{prefix}-{logical_id}"
        )
        cloudwatch.put_dashboard(DashboardName=name, DashboardBody=str(resolver.deep_value(props["DashboardBody"])))
        resolver.names[logical_id] = name
