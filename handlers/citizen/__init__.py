"""What a citizen does: consent, the menu, filing a case (intake), answering about it, looking it
up, links, booking a reception session and their own data."""
