"""The app's model: what a picture is and how it changes, with no Streamlit in it.

fields (every control's schema), state (the pure transitions and share links), spec (which surface),
experiment (a Setup -> labelled Runs), explore (the scrubber's and the basin map's runs), verdicts,
tables, landscape (the network's plane and line), text (the catalogs). The Streamlit shell (ui/)
draws it; nothing here imports streamlit.
"""
