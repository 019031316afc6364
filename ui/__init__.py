"""The Streamlit shell shared by every page: set-up, menu, filters, marking, cached queries."""
