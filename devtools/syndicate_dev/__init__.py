"""Developer and operator tooling: the ``syndicate`` command, template-driven provisioning, the
local stack. Runs on a developer's machine only; no Lambda handler imports it."""
