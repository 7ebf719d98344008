"""``[tool.backend-lint]`` in ``pyproject.toml``: loaded once, validated strictly, shared by CLI and flake8.

Top-level keys select rules and files; each rule's options live in a sub-table named by its code::

    [tool.backend-lint]
    select = ["BE"]
    ignore = ["BE302"]
    per-file-ignores = { "migrations/*.py" = ["BE1"] }

    [tool.backend-lint.BE201]
    default-timeout = 5

An unknown key, an unknown rule or a value of the wrong type is a :class:`ConfigError` that names the key,
the file and the valid choices, so a typo never silently turns a rule off.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

from backend_lint.registry import rule_class, rule_codes


def _toml() -> ModuleType:
    """The TOML parser, imported when a file to parse is found (a warm run without configuration needs none)."""
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415

        return tomllib
    else:  # pragma: no cover - Python < 3.11
        import tomli  # noqa: PLC0415

        return tomli


DEFAULT_EXCLUDE = [
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "build", "dist", "node_modules", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".backend_lint_cache", ".eggs", "site-packages",
]

# key -> (type, help). Adding a top-level setting is one line here and one field of Config.
TOP_LEVEL_KEYS: dict[str, tuple[type, str]] = {
    "select": (list, "rule codes or prefixes to enable (default: every rule, [\"BE\"])"),
    "extend-select": (list, "codes or prefixes enabled in addition to `select`"),
    "ignore": (list, "codes or prefixes to disable"),
    "exclude": (list, "path patterns never checked (replaces the default list)"),
    "extend-exclude": (list, "path patterns never checked, in addition to `exclude`"),
    "per-file-ignores": (dict, "path pattern -> codes or prefixes ignored in matching files"),
    "baseline": (str, "baseline file of known findings, relative to this file (see `--write-baseline`)"),
}


class ConfigError(Exception):
    """A configuration problem the user must fix; the message says where and how."""


@dataclass
class Config:
    """The effective configuration of one run."""

    select: list[str] = field(default_factory=lambda: ["BE"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    extend_exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    rule_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    baseline: Optional[str] = None  # filters the report only, so it is not part of fingerprint()
    root: Path = field(default_factory=Path.cwd)
    source: Optional[Path] = None

    def is_enabled(self, code: str) -> bool:
        """The longest matching prefix decides; on a tie, ``ignore`` wins."""
        selected = _longest_prefix(code, [*self.select, *self.extend_select])
        ignored = _longest_prefix(code, self.ignore)
        return selected > 0 and selected > ignored

    def ignored_for(self, project_path: str) -> list[str]:
        from backend_lint.analysis.paths import matches_path_pattern  # noqa: PLC0415 - keeps import light

        codes: list[str] = []
        for pattern, pattern_codes in self.per_file_ignores.items():
            if matches_path_pattern(project_path, pattern):
                codes.extend(pattern_codes)
        return codes

    def fingerprint(self) -> str:
        """A stable text of everything that changes findings (for caches)."""
        return repr((sorted(self.select), sorted(self.extend_select), sorted(self.ignore),
                     sorted(self.per_file_ignores.items()), sorted(
                         (code, sorted(settings.items())) for code, settings in self.rule_settings.items())))


def _longest_prefix(code: str, prefixes: list[str]) -> int:
    return max((len(prefix) for prefix in prefixes if code.startswith(prefix.upper())), default=0)


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest ``pyproject.toml`` with a ``[tool.backend-lint]`` table, searching upward from ``start``."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "backend-lint" not in text:
                continue  # no table of ours: no TOML parser to import and run
            toml = _toml()
            try:
                data = toml.loads(text)
            except toml.TOMLDecodeError as exc:
                raise ConfigError(f"{candidate}: invalid TOML: {exc}") from None
            if "backend-lint" in data.get("tool", {}):
                return candidate
    return None


def load_config(path: Optional[Path] = None, start: Optional[Path] = None) -> Config:
    """Load ``path`` (an explicit ``--config``) or the nearest pyproject.toml above ``start``."""
    explicit = path is not None
    if path is None:
        path = find_pyproject(start or Path.cwd())
    if path is None:  # no configuration: paths are relative to the working folder, as in ruff
        return Config(root=Path.cwd().resolve())
    toml = _toml()
    try:
        data = toml.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    except toml.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("backend-lint")
    if table is None:  # a dedicated backend-lint.toml given with --config holds the table at top level
        table = data if path.name != "pyproject.toml" and explicit else {}
    return parse_table(table, path)


def parse_table(table: dict[str, Any], path: Path) -> Config:
    config = Config(root=path.parent.resolve(), source=path)
    codes = rule_codes()
    for key, value in table.items():
        if key.upper() in codes and isinstance(value, dict):
            config.rule_settings[key.upper()] = _rule_settings(key.upper(), value, path)
            continue
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(_unknown(path, "[tool.backend-lint]", key, [*TOP_LEVEL_KEYS, *codes]))
        expected, _ = TOP_LEVEL_KEYS[key]
        if expected is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{path}: [tool.backend-lint] `{key}` must be a list of strings, got {value!r}")
        if expected is str and not (isinstance(value, str) and value):
            raise ConfigError(f"{path}: [tool.backend-lint] `{key}` must be a file name, got {value!r}")
        checked = _per_file_ignores(value, path) if expected is dict else value
        if key in ("select", "extend-select", "ignore"):
            _check_selectors(value, path, key)  # a list of strings (checked above)
        setattr(config, key.replace("-", "_"), checked)
    return config


def _per_file_ignores(value: Any, path: Path) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not all(
        isinstance(codes, list) and all(isinstance(code, str) for code in codes) for codes in value.values()
    ):
        raise ConfigError(
            f"{path}: [tool.backend-lint] `per-file-ignores` must map path patterns to lists of codes, "
            f"got {value!r}"
        )
    for codes in value.values():
        _check_selectors(codes, path, "per-file-ignores")
    return value


def _check_selectors(values: list[str], path: Path, key: str) -> None:
    codes = rule_codes()
    for value in values:
        if not any(code.startswith(value.upper()) for code in codes):
            raise ConfigError(_unknown(path, f"`{key}`", value, codes, what="rule code or prefix"))


def _rule_settings(code: str, values: dict[str, Any], path: Path) -> dict[str, Any]:
    cls = rule_class(code)
    assert cls is not None
    options = cls.option_map()
    settings: dict[str, Any] = {}
    for key, value in values.items():
        option = options.get(key)
        if option is None:
            if not options:
                raise ConfigError(f"{path}: [tool.backend-lint.{code}] {code} has no options, got `{key}`")
            raise ConfigError(_unknown(path, f"[tool.backend-lint.{code}]", key, list(options), what="option"))
        try:
            settings[key] = option.validate(value)
        except TypeError as exc:
            raise ConfigError(
                f"{path}: [tool.backend-lint.{code}] `{key}` must be {exc}, got {value!r}"
            ) from None
    return settings


def _unknown(path: Path, where: str, key: str, valid: list[str], what: str = "key") -> str:
    import difflib  # noqa: PLC0415 - only for a configuration error, not on every run

    guess = difflib.get_close_matches(key, valid, n=1)
    hint = f"; did you mean `{guess[0]}`?" if guess else ""
    return f"{path}: unknown {what} `{key}` in {where}{hint} (valid: {', '.join(sorted(valid))})"


def validate_selectors(values: list[str], origin: str) -> None:
    """Check codes given on the command line; raise :class:`ConfigError` naming ``origin``."""
    _check_selectors(values, Path(origin), origin)
