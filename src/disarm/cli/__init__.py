"""The command-line adapter: parses arguments, calls the library, renders results."""
