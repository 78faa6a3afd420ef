"""What admins do: the officers' roster, night duty, and banning abusers (with the ban gate)."""
