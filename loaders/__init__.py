"""Turn return files into checked rows plus issues, and write accepted files to the store."""
