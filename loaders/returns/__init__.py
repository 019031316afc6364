"""Return parsers: what a return looks like (layouts), what reading one gives (records,
issues), and how a workbook's cells become a checked ``ParsedReturn``."""
