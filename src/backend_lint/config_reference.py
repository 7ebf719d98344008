"""``docs/configuration.md``, generated from the code: every top-level key and every rule option.

The keys come from :data:`backend_lint.config.TOP_LEVEL_KEYS` (with defaults read from :class:`Config`),
the options from each rule class's ``options``; ``python -m backend_lint.docs_index`` writes the page and a
test fails when it is stale, so a new key or option cannot ship undocumented and a removed one cannot linger.
"""

from __future__ import annotations

from typing import Any

from backend_lint.config import DEFAULT_EXCLUDE, TOP_LEVEL_KEYS, Config
from backend_lint.registry import all_rule_classes
from backend_lint.rule import Option

INTRO = """\
# Configuration

Generated from the code by `python -m backend_lint.docs_index`; do not edit by hand.

backend-lint reads the `[tool.backend-lint]` table of the nearest `pyproject.toml` that has one, searching
upward from the first path given on the command line (or from the current folder); a `pyproject.toml` whose text
does not name backend-lint is passed over unread (another tool's file, even one that is not valid TOML).
`--config PATH` names the
file instead; a file that is not a `pyproject.toml` (say `backend-lint.toml`) may hold the keys at its top
level. Paths and patterns in the table are relative to the folder of the file that holds it.

The flake8 plugin reads the same table (flake8 itself never reads `pyproject.toml`), searching upward from
flake8's working folder, so `flake8 --select BE` and `backend-lint check` select the same rules with the same
options.

```toml
[tool.backend-lint]
select = ["BE"]                              # every rule (the default)
ignore = ["BE302"]
extend-exclude = ["migrations/"]
per-file-ignores = { "scripts/*.py" = ["BE4"], "tests/" = ["BE503"] }

[tool.backend-lint.BE401]                    # a rule's options: a sub-table named by its code
script-paths = ["scripts/", "bin/", "manage.py"]
```

A key that does not exist, a rule code or prefix that matches no rule, or a value of the wrong type is an
error: backend-lint prints the file, the key and the valid choices (with a "did you mean") and exits with
code 2 before checking or writing anything. A typo never silently turns a rule off.
"""

SELECTION = """\
### How selection works

A rule runs when the longest entry of `select` + `extend-select` that is a prefix of its code is longer than
the longest such entry of `ignore`; on a tie, `ignore` wins. So `select = ["BE"]` with `ignore = ["BE4"]`
turns off the observability rules, and adding `extend-select = ["BE401"]` turns BE401 back on. On the command
line, `--select` replaces `select`, while `--extend-select` and `--ignore` add to the configured lists.

### Path patterns

`exclude`, `extend-exclude` and `per-file-ignores` (and path options such as BE401's `script-paths`) take the
same patterns, matched against the path relative to the project root:

| Pattern | Matches |
| --- | --- |
| `migrations/` (trailing `/`) | a folder of that name (or that sequence of folders) anywhere in the path |
| `manage.py` (no `/`) | a file (or, for excludes, a folder) with that name anywhere |
| `app/settings.py` | that path, or a path ending in `/app/settings.py` |
| `*/migrations/*.py` (has `*`, `?` or `[`) | a glob tried against the whole path and against every tail of it |

### Suppressing one finding

`# noqa: BE401` (codes or prefixes, comma-separated) at the end of the line where the finding starts
suppresses it; a bare `# noqa` suppresses every finding on the line. flake8 reads the same comments.
A few rules also honour another tool's suppression of the same check on the line, a decision already made
there: BE401 `# noqa: T201`/`T203` (or `T20`), BE503 `# noqa: S105`-`S107` or `# nosec`, BE508 `# noqa: S311` or
`# nosec B311`.
"""


def _value(value: Any) -> str:
    """A value in TOML notation, as a user would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{key}" = {_value(item)}' for key, item in value.items()) + "}"
    return str(value)


def _type_name(kind: type) -> str:
    return {list: "list of strings", dict: "table", str: "string", int: "integer", float: "number",
            bool: "boolean"}.get(kind, kind.__name__)


def _top_level_rows() -> list[str]:
    defaults = Config()
    rows = ["| Key | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
    for key, (kind, help_text) in TOP_LEVEL_KEYS.items():
        default = getattr(defaults, key.replace("-", "_"), None)
        if key == "exclude" and default == DEFAULT_EXCLUDE:
            shown = "the list below"
        else:
            shown = "none" if default is None else f"`{_cell(_value(default))}`"
        rows.append(f"| `{key}` | {_type_name(kind)} | {shown} | {_cell(help_text)} |")
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _option_row(option: Option) -> str:
    return (f"| `{option.key}` | {_type_name(option.type)} | `{_cell(_value(option.default))}` | "
            f"{_cell(option.help)} |")


def _rule_sections() -> list[str]:
    parts = []
    for cls in all_rule_classes():
        if not cls.options:
            continue
        parts.append(f"### {cls.code} `{cls.name}`\n")
        rows = ["| Option | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
        rows += [_option_row(option) for option in cls.options]
        example = "\n".join(f"{option.key} = {_value(option.default)}" for option in cls.options)
        parts.append("\n".join(rows) + "\n")
        parts.append(f"```toml\n[tool.backend-lint.{cls.code}]   # the defaults\n{example}\n```\n")
        parts.append(f"See [{cls.code}](../rules/{cls.code}.md) for what each option changes.\n")
    plain = [f"[{cls.code}](../rules/{cls.code}.md)" for cls in all_rule_classes() if not cls.options]
    if plain:
        parts.append(f"### Rules without options\n\n{', '.join(plain)}.\n")
    return parts


def configuration_reference() -> str:
    excluded = ", ".join(f"`{name}`" for name in DEFAULT_EXCLUDE)
    parts = [
        INTRO,
        "## Top-level keys\n",
        "\n".join(_top_level_rows()) + "\n",
        f"The default `exclude` list: {excluded}. Setting `exclude` replaces it; `extend-exclude` adds to it.\n",
        SELECTION,
        "## Rule options\n",
        "Each rule's options live in a sub-table named by its code, `[tool.backend-lint.BE###]`; a rule with "
        "no options accepts no sub-table keys.\n",
        *_rule_sections(),
    ]
    return "\n".join(parts)
