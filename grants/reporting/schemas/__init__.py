"""Request and response Structs of the reporting API: `reports` (event reports, photos, the final
report) and `public` (the municipality activities API)."""
