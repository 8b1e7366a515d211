"""docintel.ingest package."""
