"""The municipal scope's resolvers (core.auth.MunicipalScope): whose call an award or payment belongs to."""

from grants.awards.tables import Award, Payment
from grants.core.db import municipality_resolver

municipality_of_award = municipality_resolver(Award, Award.call.municipality)
municipality_of_payment = municipality_resolver(Payment, Payment.award.call.municipality)
