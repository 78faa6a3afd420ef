"""Channel-neutral conversations: what to ask, and what an answer leads to.

Telegram renders a `Prompt` as a message with buttons; Zalo will render the same prompt as
numbered lines. Answers come in as `Event`s, whichever channel they came from.
"""
