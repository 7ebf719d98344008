"""The generated parts of the documentation: the rules index (``docs/rules.md``), the README's rule table and
the configuration reference (``docs/configuration.md``, from :mod:`backend_lint.config_reference`).

``python -m backend_lint.docs_index`` rewrites all three from the rule classes and their pages; a test fails when
one is out of date, so the docs never drift from the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from backend_lint.catalog import load_page
from backend_lint.config_reference import configuration_reference
from backend_lint.registry import all_rule_classes

FAMILIES = {"1": "Data access", "2": "Resilience", "3": "API handlers", "4": "Observability", "5": "Security"}
TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def rule_table(link_prefix: str) -> str:
    rows = ["| Code | Name | Fix | What it flags |", "| --- | --- | --- | --- |"]
    for cls in all_rule_classes():
        page = load_page(cls.code)
        summary = page.headline if page else cls.name
        rows.append(
            f"| [{cls.code}]({link_prefix}{cls.code}.md) | `{cls.name}` | {cls.fix_kind.label} | {summary} |"
        )
    return "\n".join(rows) + "\n"


def rules_index() -> str:
    parts = [
        "# Rules\n",
        "Generated from `rules/*.md` by `python -m backend_lint.docs_index`; do not edit by hand.\n",
        "Fix kinds: **safe** fixes are applied by `backend-lint fix`; **unsafe** ones need `--unsafe-fixes`; "
        "**none** means the rule offers no fix.\n",
        "[BE000](../rules/BE000.md) `unused-noqa` is not a rule: `check --report-unused-noqa` reports with it "
        "the `# noqa` comments that no longer suppress anything.\n",
        "[Backend guidelines](guidelines.md) lists the guidance these rules encode, point by point, with the rules "
        "that check each point and the points no static rule can check.\n",
    ]
    classes = all_rule_classes()
    for digit, family in FAMILIES.items():
        members = [cls for cls in classes if cls.code[2] == digit]
        if not members:
            continue
        parts.append(f"## {family} (BE{digit}xx)\n")
        rows = ["| Code | Name | Fix | Options | Summary |", "| --- | --- | --- | --- | --- |"]
        for cls in members:
            page = load_page(cls.code)
            options = ", ".join(f"`{option.key}`" for option in cls.options) or "-"
            rows.append(
                f"| [{cls.code}](../rules/{cls.code}.md) | `{cls.name}` | {cls.fix_kind.label} | {options} | "
                f"{page.summary if page else ''} |"
            )
        parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


def readme_with_table(readme: str) -> str:
    table = f"{TABLE_START}\n{rule_table('rules/')}{TABLE_END}"
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.DOTALL)
    return pattern.sub(lambda _: table, readme)


def main(root: Path) -> int:
    (root / "docs" / "rules.md").write_text(rules_index(), encoding="utf-8")
    (root / "docs" / "configuration.md").write_text(configuration_reference(), encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
