"""docintel.models package."""
