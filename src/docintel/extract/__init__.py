"""docintel.extract package."""
