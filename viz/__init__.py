"""Plotly figure builders and the offline serializers: plain Plotly JSON dicts from runs, surfaces
and the text catalog's callable T. Nothing here imports Streamlit or knows the app's state."""
