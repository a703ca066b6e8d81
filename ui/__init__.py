"""The Streamlit shell: the session, the sidebar, the views and panels, the cached computations and
the server's housekeeping. What a picture is and how it changes lives in model/."""
