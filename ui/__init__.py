"""The app's own logic without widgets where it can be: state, lessons, texts, and the page parts."""
