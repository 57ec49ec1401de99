"""The inbox (my queue), unread badge, delivery channels and their failures."""
