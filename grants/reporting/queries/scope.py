"""The municipal scope's resolvers (core.auth.MunicipalScope): whose call (or, on the coordinator's pages, whose
school) a report or its file belongs to."""

from grants.core.db import municipality_resolver
from grants.reporting.tables import EventPhoto, EventReport, FinalReportAttachment

municipality_of_event = municipality_resolver(EventReport, EventReport.award.call.municipality)
municipality_of_photo = municipality_resolver(EventPhoto, EventPhoto.event.award.call.municipality)
# The coordinator's pages (/municipality/…) list the photos of events held in the municipality's
# schools, whoever's call funded them: there a photo belongs to its event's school's municipality.
municipality_of_photo_school = municipality_resolver(EventPhoto, EventPhoto.event.school.municipality)
municipality_of_final_attachment = municipality_resolver(
    FinalReportAttachment, FinalReportAttachment.report.award.call.municipality
)
