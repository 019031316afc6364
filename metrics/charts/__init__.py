"""Plotly figure builders: plain functions of data, tested directly (AppTest cannot see charts)."""
