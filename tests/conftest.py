"""The two test tiers.

`make check` runs the fast tier (`-m "not slow"`): unit tests on small arrays and the
contracts, under a minute on two cores. `make test` (what CI runs) runs everything. A test is
slow when it renders or analyses whole photos, runs the CLI on a photo set, starts a browser,
or kills and resumes workers: seconds each. Mark such tests `@pytest.mark.slow` (or the whole
module with `pytestmark`); the modules below are slow as a whole.
"""

from __future__ import annotations

import pytest

# Whole modules that run full photos, the CLI on sets, a browser or worker processes.
SLOW_MODULES = frozenset(
    {
        "test_run_e2e.py",
        "test_resume.py",
        "test_samples_detection.py",
        "test_report_browser.py",
        "test_note_sizes.py",
        "test_bad_inputs.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
