"""The feed: posts, comments, likes, attachments, search.

Map: posts.py (writing, editing, deleting, commenting, liking), visibility.py (who sees a post: the
one rule, with scopes other domains register), mentions.py (@name), queries.py (feed pages and
cards), search.py (FTS5 trigram / pg_trgm); views.py (bp, /feed, registers live.py), pages.py (the
feed's page context, also used by the home page), live.py (what the stream redraws), forms.py.
Files are stored by office/uploads.py.
"""
