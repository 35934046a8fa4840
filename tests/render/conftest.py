from __future__ import annotations

import pytest

from disarm.demo.runner import run_demo


@pytest.fixture(scope="session")
def demo_reports() -> dict[str, str]:
    """The New START and model reports as `disarm demo` writes them."""
    files = run_demo().files
    return {k: v for k, v in files.items() if k.endswith(".html")}
