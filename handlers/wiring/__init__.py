"""The wiring: builds the Application for both channels, registers the handlers in order and runs
the bot's life cycle. Only the command line (bot/__main__.py) imports it."""
