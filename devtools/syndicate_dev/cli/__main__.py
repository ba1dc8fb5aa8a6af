"""``python -m syndicate_dev.cli``: the same as the ``syndicate`` command."""

from syndicate_dev.cli import main

raise SystemExit(main())
