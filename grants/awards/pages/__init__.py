"""The awards' HTML pages, one module per audience (all staff)."""
