"""Data builders for the tests, one module per domain (import from the module, e.g. tests.factories.awards)."""
