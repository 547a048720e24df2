"""The applications domain's HTML pages, one module per audience: portal.py (the applicants, /my/…),
staff.py (the staff's list of a call's applications, /admin/calls/{id}/applications)."""
