"""Session-wide fixtures: real ``go test`` output of the demo module and of a small multi-package module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gotest.gorun import DEMO, MULTI_FILES, go_env, run_go


@pytest.fixture(scope="session")
def gobase(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "go"


@pytest.fixture(scope="session")
def multi_module(gobase: Path) -> Path:
    root = gobase / "multi"
    for name, text in MULTI_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def demo_v_fail(gobase: Path) -> bytes:
    return run_go(["test", "-v", "-count=1", "./..."], DEMO, go_env(gobase, MOJI_FAIL="1"))


@pytest.fixture(scope="session")
def demo_json_fail(gobase: Path) -> bytes:
    return run_go(["test", "-json", "-count=1", "./..."], DEMO, go_env(gobase, MOJI_FAIL="1"))


@pytest.fixture(scope="session")
def multi_v(gobase: Path, multi_module: Path) -> bytes:
    return run_go(["test", "-v", "-count=1", "./..."], multi_module, go_env(gobase))


@pytest.fixture(scope="session")
def multi_json(gobase: Path, multi_module: Path) -> bytes:
    return run_go(["test", "-json", "-count=1", "./..."], multi_module, go_env(gobase))
