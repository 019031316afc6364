"""The DuckDB store: settings, schema migrations, connection, archive of uploads and audit log."""
