"""Applications to calls: drafts with their budget lines, planned events and files, submission,
withdrawal and clarification, the applicant portal (/my/…) and the staff's lists (/admin/…)."""

from grants.applications.api import ApplicationsApi, AttachmentsApi
from grants.applications.pages.portal import ApplicationPages
from grants.applications.pages.portal_attachments import AttachmentPages
from grants.applications.pages.staff import StaffApplicationPages
from grants.applications.pages.staff_clarifications import StaffClarificationPages

routes = [
    ApplicationsApi,
    AttachmentsApi,
    ApplicationPages,
    AttachmentPages,
    StaffApplicationPages,
    StaffClarificationPages,
]
