"""Calls for proposals: their rules, criteria and lifecycle, and the public call pages."""
