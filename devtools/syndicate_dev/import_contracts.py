"""An import-linter contract type the built-in ones do not offer: an allow-list.

``forbidden`` contracts name what a layer may not import, so a module added later is allowed by
default. The adapter layer's rule is the other way round: it may import the *ports and value
types* of the domain (``syndicate.*.ports``, ``syndicate.*.model``, ...) and nothing else of
``syndicate``, so a new service module is forbidden to it without anyone updating a list.
Registered in ``[tool.importlinter]`` of pyproject.toml as ``allowlist``.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain import helpers


class AllowListContract(Contract):
    """Modules in ``source_modules`` may import, from ``within``, only what ``allowed_modules`` match.

    Imports from outside ``within`` (the standard library, third-party packages) are not judged.
    ``allowed_modules`` may use import-linter's wildcards (``syndicate.*.ports``).
    """

    type_name = "allowlist"

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    within = fields.StringField()
    allowed_modules = fields.ListField(subfield=fields.ModuleExpressionField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        sources = {
            module.name
            for module in helpers.module_expressions_to_modules(
                graph=graph,
                expressions=self.source_modules,  # type: ignore[arg-type]  # import-linter's field typing
                as_packages=True,
            )
        }
        allowed = {
            module.name
            for module in helpers.module_expressions_to_modules(
                graph=graph,
                expressions=self.allowed_modules,  # type: ignore[arg-type]
                as_packages=True,
            )
        }
        within = str(self.within)
        illegal: list[dict[str, Any]] = []
        for importer in sorted(sources):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                inside = imported == within or imported.startswith(within + ".")
                if not inside or imported in allowed or imported in sources:
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                illegal.append(
                    {
                        "importer": importer,
                        "imported": imported,
                        "line_numbers": tuple(detail["line_number"] for detail in details),
                    }
                )
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for link in check.metadata["illegal"]:
            lines = ", ".join(str(number) for number in link["line_numbers"])
            output.print_error(f"{link['importer']} -> {link['imported']} (l. {lines})", bold=False)
            output.new_line()
