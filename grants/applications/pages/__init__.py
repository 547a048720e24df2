"""The applications domain's HTML pages, one module per audience: portal.py (the applicants, /my/…)
with portal_attachments.py (its attachments step), staff.py (the staff's list of a call's
applications, /admin/calls/{id}/applications)."""
