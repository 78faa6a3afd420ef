"""The officer's desk (/viec, /hoso, the case card) and the actions on a case; the desk's helpers
(who is this officer, why a press is refused) are shared by every staff audience."""
