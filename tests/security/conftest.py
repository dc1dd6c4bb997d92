import pytest

from .world import build_world


@pytest.fixture
def world(db):
    return build_world()


def pytest_terminal_summary(terminalreporter):
    from .matrix import RECORDED_CASES

    if RECORDED_CASES:
        patterns = {pattern for pattern, _role, _method in RECORDED_CASES}
        terminalreporter.write_line(
            f"permission matrix: {len(RECORDED_CASES)} URL × role × method cases "
            f"over {len(patterns)} URL patterns"
        )
