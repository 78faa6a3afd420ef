"""The Fatherland Front's supervision (/giamsat): watching cases and asking about them."""
