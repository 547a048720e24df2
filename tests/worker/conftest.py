"""Fixtures of the worker's tests: the core tests' empty outbox."""

from tests.core.conftest import outbox  # noqa: F401 - a fixture, used by name
