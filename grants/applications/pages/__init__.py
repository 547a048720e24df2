"""The applications domain's HTML pages, one module per audience: portal.py (the applicants, /my/…)."""
