"""docintel.core package."""
