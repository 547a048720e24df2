"""The piccolo-admin panel: table configs, forms, links, and who may reach them."""
