"""Turn landed files into canonical rows plus quarantined rows, one file at a time."""
