"""Reporting: what grantees did with their awards and what the public and municipalities see of it.

Event reports (held in schools, with photos) and the final report, the staff's review of both,
reminders of what is due, the municipality dashboard and the coordinator's view (schedule, accepted
events with photos, coverage, calendar feed, weekly digest), the public results and school pages, the
event CSV export and the open data (360Giving).
"""

from grants.reporting.api.exports import EventExportApi, OpenDataApi
from grants.reporting.api.municipality import MunicipalityApi
from grants.reporting.api.reports import EventReportApi, FinalReportApi
from grants.reporting.pages.municipality import MunicipalityPages
from grants.reporting.pages.municipality_view import CalendarFeedPages, CoordinatorPages
from grants.reporting.pages.portal import ReportPages
from grants.reporting.pages.public import ResultsPages
from grants.reporting.pages.staff import StaffReportPages

routes = [
    EventReportApi,
    FinalReportApi,
    ReportPages,
    StaffReportPages,
    ResultsPages,
    OpenDataApi,
    MunicipalityPages,
    CoordinatorPages,
    CalendarFeedPages,
    MunicipalityApi,
    EventExportApi,
]
