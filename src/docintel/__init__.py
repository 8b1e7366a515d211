"""docintel: offline document intelligence with the Azure Document Intelligence REST API."""

__version__ = "0.1.0"
