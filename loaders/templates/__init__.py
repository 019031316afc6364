"""Templates and error workbooks: return templates laid out from ``loaders.returns.layouts``,
and the copy of an upload with its problem cells marked."""
