"""Calls for proposals: their rules, criteria and documents, their lifecycle, and the public call pages."""

from grants.calls.api import CallDocumentsApi, CallsApi
from grants.calls.pages.public import CallPages

routes = [CallsApi, CallDocumentsApi, CallPages]
