"""The site bucket as CloudFront serves it: GET/HEAD, the object's Content-Type and
Cache-Control, an ETag, and 304 Not Modified for a matching If-None-Match."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from syndicate_dev import template as tpl
from syndicate_dev.local.wire import Reply, Request

_PASSED_HEADERS = {
    "ContentType": "Content-Type",
    "CacheControl": "Cache-Control",
    "ContentEncoding": "Content-Encoding",
    "ContentLanguage": "Content-Language",
    "ContentDisposition": "Content-Disposition",
}


def site_bucket(template: dict[str, Any]) -> str | None:
    """The logical id of the bucket a CloudFront distribution fronts; else a bucket named SiteBucket."""
    buckets = tpl.resources(template, "AWS::S3::Bucket")
    for props in tpl.resources(template, "AWS::CloudFront::Distribution").values():
        for origin in (props.get("DistributionConfig") or {}).get("Origins") or []:
            domain = origin.get("DomainName")
            if isinstance(domain, dict) and "Fn::GetAtt" in domain and domain["Fn::GetAtt"][0] in buckets:
                return domain["Fn::GetAtt"][0]
            if isinstance(domain, dict) and "Fn::Sub" in domain:
                text = domain["Fn::Sub"] if isinstance(domain["Fn::Sub"], str) else domain["Fn::Sub"][0]
                for logical_id in buckets:
                    if "${" + logical_id in text:
                        return logical_id
    return "SiteBucket" if "SiteBucket" in buckets else None


def default_root_object(template: dict[str, Any]) -> str | None:
    for props in tpl.resources(template, "AWS::CloudFront::Distribution").values():
        root = (props.get("DistributionConfig") or {}).get("DefaultRootObject")
        if isinstance(root, str):
            return root
    return None


class SiteServer:
    def __init__(self, s3: Any, bucket: str | None, root_object: str | None = None) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.root_object = root_object

    def has(self, path: str) -> bool:
        if not self.bucket:
            return False
        try:
            self.s3.head_object(Bucket=self.bucket, Key=path.lstrip("/"))
        except ClientError:
            return False
        return True

    def handle(self, request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return Reply(403, [("Content-Type", "text/plain")], b"This distribution only allows GET and HEAD.\n")
        if not self.bucket:
            return Reply(
                404,
                [("Content-Type", "text/plain")],
                b"template.yaml has no site bucket (a bucket behind CloudFront, or one named SiteBucket).\n",
            )
        key = request.path.lstrip("/")
        if not key and self.root_object:
            key = self.root_object
        try:
            found = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404", "AccessDenied"):
                return Reply(404, [("Content-Type", "text/plain")], f"No {request.path} in the site bucket.\n".encode())
            raise
        headers = [(header, str(found[field])) for field, header in _PASSED_HEADERS.items() if found.get(field)]
        etag = found.get("ETag", "")
        headers.append(("ETag", etag))
        if found.get("LastModified"):
            headers.append(("Last-Modified", found["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT")))
        wanted = request.header("If-None-Match")
        if wanted and (wanted.strip() == "*" or etag in [tag.strip().removeprefix("W/") for tag in wanted.split(",")]):
            found["Body"].close()
            return Reply(304, [(k, v) for k, v in headers if k in ("ETag", "Cache-Control", "Last-Modified")])
        return Reply(200, headers, found["Body"].read())  # the server sends no body for HEAD
