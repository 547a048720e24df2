"""Calls for proposals: their rules, criteria and documents, their lifecycle, and the public call pages."""

from grants.calls.api import CallDocumentsApi, CallsApi
from grants.calls.pages.public import CallPages
from grants.calls.pages.staff import CallSetupPages
from grants.calls.pages.staff_lifecycle import CallLifecyclePages

routes = [CallsApi, CallDocumentsApi, CallPages, CallSetupPages, CallLifecyclePages]
