"""Field extraction: key-value pairs, prebuilt fields, normalizers."""
