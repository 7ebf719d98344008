"""BE402's fix keeps every rendered log message: run the code before and after the fix and compare.

A real module with eager logging calls (f-strings with format specs and conversions, ``.format()``, ``%``,
``+``, a literal ``%``) is fixed by ``backend-lint fix`` in a subprocess; both versions are imported and run
against a capturing handler (stdlib) and a capturing sink (loguru), and the rendered messages must be equal.
"""

from __future__ import annotations

import importlib.util
import logging
import textwrap
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from tests.processes import check_json, run_cli

SERVICE = textwrap.dedent(
    '''
    """Orders (rendering test for BE402)."""
    import logging

    from loguru import logger as loguru_logger

    logger = logging.getLogger("be402.render")


    def emit(order, user, seconds):
        logger.info(f"order {order.id} paid in {seconds:.3f} s")
        logger.info(f"order {order.id!r} for {user.email!s} at 100% ({order.ratio:+.1f})")
        logger.debug("order {} for {}".format(order.id, user.email))
        logger.debug("order {1} before {0}".format(order.id, user.email))
        logger.debug("named {who} paid {amount:.2f}".format(who=user.email, amount=order.amount))
        logger.warning("retrying order %s (attempt %d of %5.1f)" % (order.id, order.attempts, seconds))
        logger.warning("order %s has %d%% discount" % (order.id, order.discount))
        logger.warning("single %s" % order.id)
        logger.error("payment failed for " + str(user.email) + " on " + order.gateway + " " + repr(order.name))
        logger.error(f"padded {order.id:05d} hex {order.id:x} sci {seconds:e} {order.name}")
        logger.log(logging.INFO, f"level given for {order.name} {{braces}}")
        logger.info(f"with extra {order.id}", extra={"order_id": order.id})


    def emit_loguru(order, seconds):
        loguru_logger.info(f"order {order.id} shipped in {seconds:.1f} days {{literal}}")
        loguru_logger.info("status %s for %r" % (order.gateway, order.name))
        loguru_logger.info("{} then {}".format(order.id, order.gateway))
    '''
).lstrip()


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _render(module: ModuleType) -> list[str]:
    from loguru import logger as loguru_logger

    order = SimpleNamespace(
        id=42, ratio=0.25, amount=19.999, attempts=3, discount=15, gateway="stripe", name="café ünïcode"
    )
    user = SimpleNamespace(email="ana@example.com")
    stdlib = logging.getLogger("be402.render")
    capture = _Capture()
    stdlib.addHandler(capture)
    stdlib.setLevel(logging.DEBUG)
    sunk: list[str] = []
    sink = loguru_logger.add(lambda message: sunk.append(message.record["message"]), format="{message}")
    try:
        module.emit(order, user, 1.23456)
        module.emit_loguru(order, 2.5)
    finally:
        stdlib.removeHandler(capture)
        loguru_logger.remove(sink)
    return capture.messages + sunk


@pytest.mark.parametrize("mode", [("fix",), ("fix", "--unsafe-fixes")], ids=["safe", "unsafe"])
def test_fixed_code_renders_the_same_messages(tmp_path: Path, mode: tuple[str, ...]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    target = tmp_path / "service" / "orders.py"
    target.parent.mkdir()
    target.write_text(SERVICE, encoding="utf-8")
    before = _render(_load(target, "orders_before"))

    flagged = check_json("--select", "BE402", "service/orders.py", cwd=tmp_path)
    assert len(flagged) == SERVICE.count("logger.")  # every logging call above is eager
    result = run_cli(*mode, "--select", "BE402", "service/orders.py", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    fixed = target.read_text(encoding="utf-8")
    assert fixed != SERVICE
    after = _render(_load(target, "orders_after"))

    assert after == before
    left = check_json("--select", "BE402", "service/orders.py", cwd=tmp_path)
    if "--unsafe-fixes" in mode:
        assert left == [], fixed
    else:
        assert all(finding["fix"] != "safe" for finding in left)
        assert len(left) < len(flagged)
