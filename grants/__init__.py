"""Grants: grant management for youth NGO initiative competitions (PuMPuRS)."""
