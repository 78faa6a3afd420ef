"""The channel edge: Telegram's plumbing (telegram/), the Zalo bridge (zalo/), the handlers grouped
by audience (citizen/, officer/, leader/, supervisor/, admin/) and the wiring that joins them
(wiring/). ARCHITECTURE.md draws the house and says what each folder may import."""
