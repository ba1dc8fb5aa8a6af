"""``python -m bench [--quick] [NAME ...]``: run the benchmark modules of bench/ in turn (all of
them, or those named), each through its ``main(quick=...)``.

``--quick`` gives every module tiny sizes: the figures then mean nothing, but every benchmark
runs end to end, which is what CI checks so that none can rot. The exit status is 1 when a
module failed (the others still run)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import traceback
from pathlib import Path


def benchmarks() -> list[str]:
    """The benchmark modules: every module of bench/ not starting with an underscore."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    known = benchmarks()
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks of bench/.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks each runs, measures nothing")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"some of: {', '.join(known)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; bench/ has {', '.join(known)}")
    failed = []
    for name in args.names or known:
        print(f"\n== bench.{name}{' (quick)' if args.quick else ''} ==", flush=True)
        try:
            importlib.import_module(f"bench.{name}").main(quick=args.quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
