"""Municipalities (ISO 3166-2:LV), their mergers, and the schools of the IKVD register."""

from grants.registry.api import RegistryApi
from grants.registry.pages import RegistryPages

routes = [RegistryApi, RegistryPages]
