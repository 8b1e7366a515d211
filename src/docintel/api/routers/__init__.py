"""docintel.api.routers package."""
