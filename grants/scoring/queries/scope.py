"""The municipal scope's resolver (core.auth.MunicipalScope): whose call an assignment belongs to."""

from grants.core.db import municipality_resolver
from grants.scoring.tables import Assignment

municipality_of_assignment = municipality_resolver(Assignment, Assignment.call.municipality)
