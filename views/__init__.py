"""Dashboard pages: collect input, call matcher, render what it returns."""
