"""docintel.cli package."""
