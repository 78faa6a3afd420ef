"""The Zalo channel: a Zalo citizen is one more chat of the same Telegram Application.

Inbound, each Zalo update becomes a Telegram-shaped update under the citizen's local id
(bot.domain.chats); outbound, every Bot API call for such a chat goes to Zalo instead, buttons
becoming numbered lines that a typed answer picks from. The conversations are not written twice.
"""
