"""Municipalities (ISO 3166-2:LV), their mergers, and the schools of the IKVD register."""
