"""Applications to calls: drafts with their budget lines, planned events and files, submission,
withdrawal and clarification, and the applicant portal (/my/…)."""

from grants.applications.api import ApplicationsApi, AttachmentsApi
from grants.applications.pages.portal import ApplicationPages
from grants.applications.pages.staff_clarifications import StaffClarificationPages

routes = [ApplicationsApi, AttachmentsApi, ApplicationPages, StaffClarificationPages]
