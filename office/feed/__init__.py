"""The feed: posts, comments, likes, attachments, search."""
