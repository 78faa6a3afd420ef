"""Pure rules of the domain: no I/O, no clock, no chat platform."""
