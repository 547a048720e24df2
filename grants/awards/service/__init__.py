"""Every write and transition of the awards: decision, lifecycle, payments, and the award lock."""
