"""docintel.layout package."""
