"""docintel.schema package."""
