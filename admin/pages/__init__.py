"""The back office's own pages (/admin/…): each role's home and the moved addresses.

The domains' staff and reviewer pages live in their domains (grants/<domain>/pages/staff.py …) under
/admin too; these are the pages that belong to no single domain. `routes` is what app.py takes.
"""

from admin.pages.applications import StaffApplicationView
from admin.pages.home import BackOfficeHome, MovedPages

routes = [BackOfficeHome, MovedPages, StaffApplicationView]
