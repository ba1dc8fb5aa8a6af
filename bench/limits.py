"""Limits: what one article body can cost the publisher API, against plain prose of the same size.

1. Markdown rendering (``render_body``: the metered parse, the raw-HTML depth check, nh3). For
   each pathological shape (deep nesting, long delimiter runs, bracket runs, link reference
   floods, tables, lists, raw HTML...) a body of the largest size the contract allows
   (500,000 characters) holding as much of that shape as is still accepted, the rest plain
   prose: the worst body of that shape the API renders. Figures: its render time per MB of body,
   the ratio against rendering plain prose of the same size in the same run, and the time it
   takes to refuse the same shape filling the whole body. Target: the worst under 1 s per MB.
2. Responses: the largest answer a request of at most 1 MB can make, as Lambda carries it (the
   body JSON inside the response JSON, escaped to ASCII by the Python runtime), through the
   handler on moto: GET of accepted articles of several kinds of text, the answers to POST, a
   listing of articles with the largest metadata, and the problem for a document of nothing but
   unknown fields. Target: under Lambda's 6 MB.

``main(quick=True)`` uses tiny sizes so CI keeps this running; its figures mean nothing.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import operator
import os
import time
import warnings
from collections.abc import Callable

from bench._support import offline_aws_environment

offline_aws_environment()

MAX_CHARACTERS = 500_000  # the contract's maxLength of body
LAMBDA_LIMIT = 6 * 1024 * 1024
PROSE = "The crew docked with the station after a two-day chase, and the hatch opened an hour later. "

# name -> body of that shape from a repetition count
SHAPES: dict[str, Callable[[int], str]] = {
    "deep blockquotes": lambda k: ">" * k + " a\n",
    "deep lists": lambda k: "".join("  " * i + "- a\n" for i in range(k)),
    "blockquoted lists": lambda k: "> - " * k + "a\n",
    "long delimiter runs": lambda k: ("*" * 1000 + "a") * k,
    "emphasis alternation": lambda k: "*_" * k,
    "strong on every char": lambda k: "**a" * k,
    "underscore runs": lambda k: "_a" * k,
    "strikethrough-like runs": lambda k: "~~a" * k,
    "open brackets": lambda k: "[" * k,
    "open image brackets": lambda k: "![" * k,
    "unclosed links": lambda k: "[a](" * k,
    "nested link labels": lambda k: "[" * k + "a" + "](b)" * k,
    "link titles unclosed": lambda k: '[a](b "' * k,
    "link reference flood": lambda k: (
        "".join(f"[r{i}]: https://x.example/{i}\n" for i in range(k)) + "".join(f"[r{i}] " for i in range(k))
    ),
    "same-label definitions": lambda k: "[a]: b\n" * k,
    "tables of tiny cells": lambda k: "|a|b|\n|-|-|\n" + "|a|b|\n" * k,
    "autocompleted table rows": lambda k: "|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n" + "|\n" * k,
    "wide table": lambda k: "|" + "a|" * k + "\n|" + "-|" * k + "\n",
    "one-character list items": lambda k: "1. a\n" * k,
    "headings": lambda k: "# a\n" * k,
    "setext headings": lambda k: "a\n=\n" * k,
    "hard breaks": lambda k: "a  \n" * k,
    "links": lambda k: "[a](https://example.com/x) " * k,
    "autolinks": lambda k: "<https://a.example> " * k,
    "unclosed autolinks": lambda k: "<a" * k,
    "entities": lambda k: "&amp;" * k,
    "code spans": lambda k: "`a` " * k,
    "backtick runs": lambda k: "".join("`" * i + "a" for i in range(1, k)),
    "fences": lambda k: "```\na\n```\n" * k,
    "less-than runs": lambda k: "<" * k,
    "raw inline HTML": lambda k: "<b>x</b>" * k,
    "raw HTML nesting": lambda k: "<div>\n" * k,
    "raw unclosed spans": lambda k: "<span>" * k,
}


def samples() -> dict[str, Callable[[int], str]]:
    """The sample articles of events/articles/, repeated: what real bodies cost."""
    from tests.support.events import article, valid_article_names

    found: dict[str, Callable[[int], str]] = {}
    for name in valid_article_names():
        found[f"sample {name}"] = functools.partial(operator.mul, article(name)["body"])
    return found


def _best_of(runs: int, action: Callable[[], object]) -> float:
    """The least CPU time ``action`` took over ``runs`` runs (CPU time: the machine is shared)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def _frozen() -> float:
    """The render's deadline is a wall-clock safety net: on a shared machine it would measure the
    neighbours, so the benchmark renders under the work units alone."""
    return 0.0


def _accepted(text: str) -> bool:
    from syndicate.articles.rendering import BodyRefused, render_body

    try:
        render_body(text, timer=_frozen)
    except BodyRefused:
        return False
    return True


def _padded(shape: str, size: int) -> str:
    """``shape`` then plain prose, ``size`` characters in all."""
    padding = (PROSE * (size // len(PROSE) + 1))[: max(0, size - len(shape) - 2)]
    return shape + "\n\n" + padding if padding else shape[:size]


def _most_accepted(make: Callable[[int], str], size: int) -> tuple[int, str]:
    """The largest repetition count whose shape, padded with prose to ``size``, is accepted."""
    high = 1
    while len(make(high * 2)) <= size and high < 10**7:
        high *= 2
    low, high = 0, high * 2
    while high - low > max(1, low // 50):  # within 2%
        middle = (low + high) // 2
        text = make(middle)
        if len(text) <= size and _accepted(_padded(text, size)):
            low = middle
        else:
            high = middle
    return low, _padded(make(low), size) if low else _padded("", size)


def _filling(make: Callable[[int], str], size: int) -> str:
    """The shape alone, filling a body of ``size`` characters."""
    count = 1
    while len(make(count)) < size and count < 10**7:
        count *= 2
    return make(count)[:size]


def rendering(quick: bool) -> None:
    from syndicate.articles.rendering import BodyRefused, render_body

    size = 5_000 if quick else MAX_CHARACTERS
    runs = 1 if quick else 3
    prose = _padded("", size)
    render_body(prose)  # builds markdown-it
    prose_seconds = _best_of(runs * 2, lambda: render_body(prose, timer=_frozen))
    prose_mb = len(prose.encode()) / 1e6
    print(
        f"plain prose, {len(prose):,} characters: {prose_seconds * 1000:.1f} ms ({prose_seconds / prose_mb:.3f} s/MB)"
    )
    print(f"{'shape':28} {'accepted':>10} {'render':>9} {'s/MB':>6} {'vs prose':>9} {'refuse full':>12}")
    worst = (0.0, "")
    for name, make in {**SHAPES, **samples()}.items():
        count, body = _most_accepted(make, size)
        seconds = _best_of(runs, functools.partial(render_body, body, timer=_frozen))
        per_mb = seconds / (len(body.encode()) / 1e6)
        worst = max(worst, (per_mb, name))
        full = _filling(make, size)

        def refuse(full: str = full) -> None:
            with contextlib.suppress(BodyRefused):
                render_body(full, timer=_frozen)

        refusing = _best_of(runs, refuse)
        shape_share = min(1.0, len(make(count)) / size) if count else 0.0
        print(
            f"{name:28} {shape_share:>9.0%} {seconds * 1000:>7.0f}ms {per_mb:>6.2f} {seconds / prose_seconds:>8.0f}x"
            f" {refusing * 1000:>10.0f}ms"
        )
    print(f"worst: {worst[0]:.2f} s per MB of body ({worst[1]}), {worst[0] / (prose_seconds / prose_mb):.0f}x prose")
    print("(accepted: the share of a full-size body the shape fills while the body is still accepted)")


# -- responses ----------------------------------------------------------------------------------


# Bodies that make large answers: text each of whose characters escapes to as many bytes as can
# be, and Markdown whose HTML is many times its size.
TEXT_KINDS: dict[str, Callable[[int], str]] = {
    "CJK (3 bytes in, 6 out)": lambda n: "天" * n,
    "Latin-1 (2 bytes in, 6 out)": lambda n: "é" * n,
    "emoji (4 bytes in, 12 out)": lambda n: "🚀" * n,
    "quotes (2 bytes in, 4 out)": lambda n: '"' * n,
    "backslashes (2 bytes in, 4 out)": lambda n: "\\" * n,
    "code of < (HTML 4x)": lambda n: "    " + "<" * n,
    "links (HTML 4x)": lambda n: "[a](https://e.x) " * n,
}
REQUEST_LIMIT = 1024 * 1024


def _largest_metadata(number: int, wide: str) -> dict:
    """Every field but the body as large as the contract allows, in ``wide`` characters."""
    from tests.support.events import article

    return {
        **article("photo-of-the-day"),
        "title": f"{number} " + wide * 290,
        "summary": wide * 2000,
        "tags": [f"{n}" + wide * 57 for n in range(30)],
        "authors": [{"name": wide * 200, "url": "https://a.example/" + "x" * 2000} for _ in range(20)],
        "image": {"url": "https://i.example/" + "y" * 2000, "alt": wide * 500, "caption": wide * 2000},
        "body": "Body.",
    }


def responses(quick: bool) -> None:
    from moto import mock_aws

    from syndicate import dependencies
    from syndicate_dev import template as tpl
    from syndicate_dev.provision import create_resources
    from tests.support.events import api_event, article
    from tests.support.lambda_context import FakeLambdaContext

    template = tpl.load()
    rows: list[tuple[str, int, int]] = []
    with mock_aws(), contextlib.redirect_stdout(io.StringIO()) as out:
        resolver = create_resources(template, prefix="limits")
        os.environ.update(resolver.environment(tpl.functions(template)["ArticlesApiFunction"]))
        os.environ["SCHEMAS_DIR"] = str(tpl.REPO / "schemas")
        dependencies.forget()
        from syndicate.handlers import articles_api

        def call(method: str, path: str, **kwargs: object) -> tuple[int, int]:
            """(status, bytes of the Lambda payload, as the Python runtime writes it)."""
            event = api_event(method, path, publisher_id="pub_bench", **kwargs)  # type: ignore[arg-type]
            result = articles_api.handler(event, FakeLambdaContext())
            out.seek(0), out.truncate()  # the metrics lines
            return result["statusCode"], len(json.dumps(result))

        def put(make: Callable[[int], str], count: int) -> tuple[int, int]:
            raw = json.dumps({**article("photo-of-the-day"), "body": make(count)[:MAX_CHARACTERS]}, ensure_ascii=False)
            if len(raw.encode()) > REQUEST_LIMIT:
                return 413, 0
            return call("PUT", "/articles/big", raw_body=raw)

        scale = 100 if quick else 1
        for name, make in TEXT_KINDS.items():
            low, high = 0, MAX_CHARACTERS // (len(make(2)) - len(make(1))) // scale + 1
            while high - low > max(1, low // 200):  # the largest accepted, within 0.5%
                middle = (low + high) // 2
                low, high = (middle, high) if put(make, middle)[0] < 300 else (low, middle)
            put_status, put_size = put(make, low)
            status, size = call("GET", "/articles/big")
            rows.append((f"PUT {name} x{low:,}: answer", put_status, put_size))
            rows.append(("  GET of it", status, size))
        count = 5 if quick else 60
        for kind, wide in (("a", "𝔸"), ("q", '"')):
            for number in range(count):
                call("PUT", f"/articles/meta-{kind}-{number}", body=_largest_metadata(number, wide))
        status, size = call("GET", "/articles", query={"limit": "100", "publisher": "me"})
        rows.append(("GET /articles?limit=100 of the largest metadata", status, size))
        fields = 70_000 // scale
        status, size = call("POST", "/articles", raw_body=json.dumps({f"k{n}": 0 for n in range(fields)}))
        rows.append((f"POST of {fields:,} unknown fields", status, size))
    for name, status, size in rows:
        print(f"{name:52} {status}  {size / 1e6:5.2f} MB  ({size / LAMBDA_LIMIT:4.0%} of Lambda's limit)")
    print(
        f"largest answer: {max(size for _, _, size in rows) / 1e6:.2f} MB (Lambda's limit {LAMBDA_LIMIT / 1e6:.2f} MB)"
    )


def main(quick: bool = False) -> None:
    warnings.simplefilter("ignore")
    rendering(quick)
    responses(quick)


if __name__ == "__main__":
    main()
