"""Live updates: open pages learn about new posts, comments, likes and badge counts."""
