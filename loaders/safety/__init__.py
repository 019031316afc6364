"""File safety: the guards that look inside a file before anything opens it, the memory- and
time-limited parsing sandbox, and reading a workbook or CSV into raw cells inside it."""
