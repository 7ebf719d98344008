"""``docs/editors.md`` is current with the server: every snippet starts ``backend-lint server``, parses in its
own language, and the page names what the server really offers (the fix-all kind, the debounce, the titles).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from backend_lint.cli import build_parser
from backend_lint.server.actions import FIX_ALL_KIND, FIX_ALL_TITLE
from backend_lint.server.protocol import DEBOUNCE_SECONDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "editors.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks(lang: str) -> list[str]:
    return [match["body"] for match in _BLOCK.finditer(PAGE) if match["lang"] == lang]


def test_the_server_command_exists() -> None:
    parser = build_parser()
    assert parser.parse_args(["server"]).command == "server"


def test_vscode_and_zed_settings_are_json_that_start_the_server() -> None:
    vscode, zed = (json.loads(block) for block in _blocks("json"))
    assert (vscode["glspc.server.command"], vscode["glspc.server.commandArguments"]) == ("backend-lint", ["server"])
    assert vscode["glspc.server.languageId"] == ["python"]
    assert vscode["[python]"]["editor.codeActionsOnSave"] == {FIX_ALL_KIND: "explicit"}
    assert zed["lsp"]["pylsp"]["binary"] == {"path": "backend-lint", "arguments": ["server"]}
    assert "pylsp" in zed["languages"]["Python"]["language_servers"]


def test_helix_languages_toml_adds_the_server_for_python() -> None:
    [block] = _blocks("toml")
    config = tomllib.loads(block)
    assert config["language-server"]["backend-lint"] == {"command": "backend-lint", "args": ["server"]}
    [python] = config["language"]
    assert python["name"] == "python" and "backend-lint" in python["language-servers"]


def test_neovim_and_emacs_snippets_start_the_server() -> None:
    lua = _blocks("lua")
    assert sum("cmd = { 'backend-lint', 'server' }" in block for block in lua) == 2
    assert any(f"only = {{ '{FIX_ALL_KIND}' }}" in block for block in lua)
    elisp = _blocks("elisp")
    assert len(elisp) == 2 and all('("backend-lint" "server")' in block for block in elisp)
    for block in [*lua, *elisp]:
        assert block.count("(") == block.count(")") and block.count("{") == block.count("}"), block


def test_page_describes_the_server_as_built() -> None:
    assert f"`{FIX_ALL_KIND}`" in PAGE and f"`{FIX_ALL_TITLE}`" in PAGE
    assert f"about {round(DEBOUNCE_SECONDS * 1000)} ms after you stop typing" in PAGE
    assert 'pip install "backend-lint[server]"' in PAGE
