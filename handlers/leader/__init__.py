"""What leaders and the Office manage: periodic reports, announcements and reception sessions."""
