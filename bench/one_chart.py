"""The reference for the cold start (bench/browser.py): a Streamlit app with one three-point Plotly
chart, started and opened the same way as the app, on the same machine in the same run."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 1, 0])))
