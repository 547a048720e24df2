"""Reporting's JSON controllers (/api/…): `reports` (event and final reports), `municipality`
(a municipality's activities) and `exports` (the event CSV and the open data)."""
