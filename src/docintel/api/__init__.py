"""docintel.api package."""
