"""Telegram's plumbing, for every audience: the typed context, who sent an update, rendering,
sending, update order, persistence, quarantine, the webhook, the rate gate and the command menus."""
