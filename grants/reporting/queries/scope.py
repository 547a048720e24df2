"""The municipal scope's resolvers (core.auth.MunicipalScope): whose call a report or its file belongs to."""

from grants.core.db import municipality_resolver
from grants.reporting.tables import EventPhoto, EventReport, FinalReportAttachment

municipality_of_event = municipality_resolver(EventReport, EventReport.award.call.municipality)
municipality_of_photo = municipality_resolver(EventPhoto, EventPhoto.event.award.call.municipality)
municipality_of_final_attachment = municipality_resolver(
    FinalReportAttachment, FinalReportAttachment.report.award.call.municipality
)
