"""Streamlit pieces of the dashboard: the sidebar that yields a configuration, and the tabs."""
